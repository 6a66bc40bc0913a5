package dev.vmboot.testkit;

import java.nio.ByteBuffer;

import dev.vmboot.api.storage.BlockDevice;

/**
 * A block device over a byte array, for hand-made, corrupted and fuzzed images. The array is not copied: a test may
 * change its bytes in place between reads.
 *
 * <p>The device may be larger than the array ({@link #sparse}): the bytes past the array read as zeros. That is a
 * sparse image whose trailing zeros are not stored, so that a committed fuzz seed stays small while its volume keeps
 * the size its format requires (FAT16 needs at least 4085 clusters, for instance).
 */
public final class MemoryBlockDevice implements BlockDevice {
    private static final byte[] ZEROS = new byte[4096];

    private final byte[] data;
    private final long size;
    private final int sectorSize;

    /** A device of exactly {@code data}, with 512-byte sectors. */
    public MemoryBlockDevice(byte[] data) {
        this(data, 512);
    }

    /** A device of exactly {@code data}, with {@code sectorSize}-byte logical sectors. */
    public MemoryBlockDevice(byte[] data, int sectorSize) {
        this(data, data.length, sectorSize);
    }

    private MemoryBlockDevice(byte[] data, long size, int sectorSize) {
        if (size < data.length) {
            throw new IllegalArgumentException("device of " + size + " bytes cannot hold " + data.length);
        }
        if (sectorSize < 512 || Integer.bitCount(sectorSize) != 1) {
            throw new IllegalArgumentException("logical sector size " + sectorSize);
        }
        this.data = data;
        this.size = size;
        this.sectorSize = sectorSize;
    }

    /**
     * A device of {@code size} bytes (512-byte sectors) that starts with {@code data} and reads zeros after it; just
     * {@code data} if that is longer.
     */
    public static MemoryBlockDevice sparse(byte[] data, long size) {
        return new MemoryBlockDevice(data, Math.max(size, data.length), 512);
    }

    /** The stored bytes (the array itself). */
    public byte[] data() {
        return data;
    }

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public int logicalSectorSize() {
        return sectorSize;
    }

    @Override
    public int read(long position, ByteBuffer dst) {
        if (position < 0) {
            throw new IllegalArgumentException("negative position " + position);
        }
        if (position >= size) {
            return -1;
        }
        int n = (int) Math.min(dst.remaining(), size - position);
        int stored = (int) Math.max(0, Math.min(n, data.length - position));
        if (stored > 0) {
            dst.put(data, (int) position, stored);
        }
        for (int zeros = n - stored; zeros > 0; zeros -= Math.min(zeros, ZEROS.length)) {
            dst.put(ZEROS, 0, Math.min(zeros, ZEROS.length));
        }
        return n;
    }

    @Override
    public void close() {
    }
}
