package dev.vmboot.kvm;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import com.sun.jna.LastErrorException;
import com.sun.jna.Pointer;

/**
 * Anonymous private memory from {@code mmap(MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE)}: guest RAM that KVM maps
 * into the guest and the VMM reads through direct {@link ByteBuffer}s. Pages are only committed when touched.
 * <p>
 * A mapping of 2 MiB or more starts on a 2 MiB boundary and is advised {@code MADV_HUGEPAGE}, as QEMU does for guest
 * RAM: the kernel then backs it with transparent huge pages, so copying a 60 MiB kernel in faults 30 times instead of
 * 15,000, and KVM maps the guest's memory with 2 MiB nested page table entries. (Shared anonymous memory, used
 * before, is shmem, which gets no huge pages by default.)
 * <p>
 * The buffers point into the mapping without owning it: {@link #close()} only after every user of them is done.
 */
public final class AnonymousMemory implements AutoCloseable {
    /** x86-64 huge page (PMD) size. */
    static final long HUGE_PAGE = 2L << 20;
    private final Pointer address;
    private final long size;
    private boolean closed;

    private AnonymousMemory(Pointer address, long size) {
        this.address = address;
        this.size = size;
    }

    public static AnonymousMemory allocate(long size) throws KvmException {
        if (size <= 0 || (size & 0xFFF) != 0) {
            throw new IllegalArgumentException("size must be a positive multiple of 4 KiB, not " + size);
        }
        boolean huge = size >= HUGE_PAGE;
        long reserve = huge ? size + HUGE_PAGE : size;
        long base;
        try {
            base = Pointer.nativeValue(LibC.mmap(null, reserve, LibC.PROT_READ | LibC.PROT_WRITE,
                    LibC.MAP_PRIVATE | LibC.MAP_ANONYMOUS | LibC.MAP_NORESERVE, -1, 0));
        } catch (LastErrorException e) {
            throw new KvmException("mmap of " + (size >> 20) + " MiB of guest memory", e.getErrorCode());
        }
        if (!huge) {
            return new AnonymousMemory(new Pointer(base), size);
        }
        long start = (base + HUGE_PAGE - 1) & -HUGE_PAGE;
        try {
            // Give back the slack before and after the aligned range.
            if (start > base) {
                LibC.munmap(new Pointer(base), start - base);
            }
            long tail = base + reserve - (start + size);
            if (tail > 0) {
                LibC.munmap(new Pointer(start + size), tail);
            }
        } catch (LastErrorException e) {
            throw new KvmException("trimming the guest memory mapping", e.getErrorCode());
        }
        try {
            LibC.madvise(new Pointer(start), size, LibC.MADV_HUGEPAGE);
        } catch (LastErrorException e) {
            // EINVAL: this kernel has no transparent huge pages. The memory works the same, in 4 KiB pages.
        }
        return new AnonymousMemory(new Pointer(start), size);
    }

    /** The host virtual address ({@code userspace_addr} of a memory slot). */
    public long hostAddress() {
        return Pointer.nativeValue(address);
    }

    public long size() {
        return size;
    }

    /**
     * Direct buffers over {@code [offset, offset + length)}, each {@code 1 << chunkShift} bytes except perhaps the
     * last.
     */
    public List<ByteBuffer> buffers(long offset, long length, int chunkShift) {
        if (offset < 0 || length <= 0 || offset > size - length || chunkShift < 12 || chunkShift > 30) {
            throw new IllegalArgumentException("bad window " + offset + "+" + length + " of " + size);
        }
        long chunk = 1L << chunkShift;
        List<ByteBuffer> list = new ArrayList<>();
        for (long o = 0; o < length; o += chunk) {
            list.add(address.getByteBuffer(offset + o, Math.min(chunk, length - o)));
        }
        return list;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            try {
                LibC.munmap(address, size);
            } catch (LastErrorException e) {
                // nothing to do: the mapping is ours and the address range stays reserved at worst
            }
        }
    }
}
