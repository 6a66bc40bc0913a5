package dev.vmboot.storage.internal.partition;

import java.nio.ByteBuffer;

import dev.vmboot.api.storage.BlockDevice;

/** A disk held in a byte array, for hand-made and fuzzed tables. */
final class MemoryBlockDevice implements BlockDevice {
    private final byte[] data;
    private final int sectorSize;

    MemoryBlockDevice(byte[] data, int sectorSize) {
        this.data = data;
        this.sectorSize = sectorSize;
    }

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public long size() {
        return data.length;
    }

    @Override
    public int logicalSectorSize() {
        return sectorSize;
    }

    @Override
    public int read(long position, ByteBuffer dst) {
        if (position >= data.length) {
            return -1;
        }
        int n = (int) Math.min(dst.remaining(), data.length - position);
        dst.put(data, (int) position, n);
        return n;
    }

    @Override
    public void close() {
    }
}
