package dev.vmboot.kvm;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import com.sun.jna.LastErrorException;
import com.sun.jna.Pointer;

/**
 * Anonymous shared memory from {@code mmap(MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE)}: guest RAM that KVM maps
 * into the guest and the VMM reads through direct {@link ByteBuffer}s. Pages are only committed when touched.
 * <p>
 * The buffers point into the mapping without owning it: {@link #close()} only after every user of them is done.
 */
public final class AnonymousMemory implements AutoCloseable {
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
        try {
            Pointer p = LibC.mmap(null, size, LibC.PROT_READ | LibC.PROT_WRITE,
                    LibC.MAP_SHARED | LibC.MAP_ANONYMOUS | LibC.MAP_NORESERVE, -1, 0);
            return new AnonymousMemory(p, size);
        } catch (LastErrorException e) {
            throw new KvmException("mmap of " + (size >> 20) + " MiB of guest memory", e.getErrorCode());
        }
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
