package dev.vmboot.fs.iso9660.internal;

import java.nio.ByteBuffer;

import dev.vmboot.api.storage.BlockDevice;

/** A block device over a byte array (tests and the fuzzer change its bytes in place). */
final class MemoryBlockDevice implements BlockDevice {
    private final byte[] data;

    MemoryBlockDevice(byte[] data) {
        this.data = data;
    }

    byte[] data() {
        return data;
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
        return 512;
    }

    @Override
    public int read(long position, ByteBuffer dst) {
        if (position < 0) {
            throw new IllegalArgumentException("negative position " + position);
        }
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
