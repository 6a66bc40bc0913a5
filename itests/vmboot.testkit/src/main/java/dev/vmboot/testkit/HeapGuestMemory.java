package dev.vmboot.testkit;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.vmboot.api.memory.GuestMemory;
import dev.vmboot.api.memory.GuestMemoryException;
import dev.vmboot.api.memory.MemoryRegion;

/**
 * Sparse guest RAM on the heap for boot protocol and ACPI tests: the given regions, backed by 64 KiB pages allocated
 * on the first write, so a test machine of gigabytes costs only the pages written. Unwritten bytes read as zero;
 * values are little-endian; an access outside the regions raises {@link GuestMemoryException}.
 */
public final class HeapGuestMemory implements GuestMemory {
    private static final int PAGE = 1 << 16;

    private final List<MemoryRegion> regions;
    private final Map<Long, byte[]> pages = new HashMap<>();

    /** One RAM region of {@code size} bytes at guest address 0. */
    public HeapGuestMemory(long size) {
        this(List.of(new MemoryRegion(0, size, false)));
    }

    /** @param regions ordered by address, not overlapping */
    public HeapGuestMemory(List<MemoryRegion> regions) {
        this.regions = List.copyOf(regions);
    }

    @Override
    public List<MemoryRegion> regions() {
        return regions;
    }

    @Override
    public boolean contains(long address, long length) {
        return regions.stream().anyMatch(r -> r.contains(address, length));
    }

    private void check(long address, long length) {
        if (!contains(address, length)) {
            throw new GuestMemoryException(address, length, "not RAM");
        }
    }

    @Override
    public void read(long address, byte[] dst, int offset, int length) {
        check(address, length);
        for (int done = 0; done < length;) {
            long a = address + done;
            int in = (int) (a % PAGE);
            int n = Math.min(length - done, PAGE - in);
            byte[] p = pages.get(a / PAGE);
            if (p == null) {
                Arrays.fill(dst, offset + done, offset + done + n, (byte) 0);
            } else {
                System.arraycopy(p, in, dst, offset + done, n);
            }
            done += n;
        }
    }

    @Override
    public void write(long address, byte[] src, int offset, int length) {
        check(address, length);
        for (int done = 0; done < length;) {
            long a = address + done;
            int in = (int) (a % PAGE);
            int n = Math.min(length - done, PAGE - in);
            System.arraycopy(src, offset + done, pages.computeIfAbsent(a / PAGE, k -> new byte[PAGE]), in, n);
            done += n;
        }
    }

    @Override
    public void write(long address, ByteBuffer src) {
        byte[] b = new byte[src.remaining()];
        src.get(b);
        write(address, b);
    }

    @Override
    public void read(long address, ByteBuffer dst) {
        dst.put(read(address, dst.remaining()));
    }

    private long get(long address, int n) {
        byte[] b = read(address, n);
        long v = 0;
        for (int i = n - 1; i >= 0; i--) {
            v = v << 8 | (b[i] & 0xFF);
        }
        return v;
    }

    private void put(long address, long v, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (v >>> (8 * i));
        }
        write(address, b);
    }

    @Override
    public byte readByte(long address) {
        return (byte) get(address, 1);
    }

    @Override
    public short readShort(long address) {
        return (short) get(address, 2);
    }

    @Override
    public int readInt(long address) {
        return (int) get(address, 4);
    }

    @Override
    public long readLong(long address) {
        return get(address, 8);
    }

    @Override
    public void writeByte(long address, byte value) {
        put(address, value, 1);
    }

    @Override
    public void writeShort(long address, short value) {
        put(address, value, 2);
    }

    @Override
    public void writeInt(long address, int value) {
        put(address, value, 4);
    }

    @Override
    public void writeLong(long address, long value) {
        put(address, value, 8);
    }

    @Override
    public void zero(long address, long length) {
        check(address, length);
        for (long done = 0; done < length;) {
            long a = address + done;
            int in = (int) (a % PAGE);
            int n = (int) Math.min(length - done, PAGE - in);
            byte[] p = pages.get(a / PAGE);
            if (p != null) {
                Arrays.fill(p, in, in + n, (byte) 0);
            }
            done += n;
        }
    }

    /** One view per 64 KiB page the range touches; pages are allocated on the way, as a write would. */
    @Override
    public List<ByteBuffer> views(long address, long length, boolean writable) {
        check(address, length);
        if (writable && regions.stream().anyMatch(r -> r.readOnly() && r.contains(address, length))) {
            throw new GuestMemoryException(address, length, "read-only memory");
        }
        List<ByteBuffer> views = new java.util.ArrayList<>();
        for (long done = 0; done < length;) {
            long a = address + done;
            int in = (int) (a % PAGE);
            int n = (int) Math.min(length - done, PAGE - in);
            ByteBuffer v = ByteBuffer.wrap(pages.computeIfAbsent(a / PAGE, k -> new byte[PAGE]), in, n).slice()
                    .order(java.nio.ByteOrder.LITTLE_ENDIAN);
            views.add(writable ? v : v.asReadOnlyBuffer());
            done += n;
        }
        return views;
    }
}
