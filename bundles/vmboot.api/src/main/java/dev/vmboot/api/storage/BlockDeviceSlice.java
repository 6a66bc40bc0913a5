package dev.vmboot.api.storage;

import java.io.IOException;
import java.nio.ByteBuffer;

/** A window {@code [offset, offset + length)} of a parent device; see {@link BlockDevice#slice}. */
final class BlockDeviceSlice implements BlockDevice {
    private final BlockDevice parent;
    private final String name;
    private final long offset;
    private final long length;

    BlockDeviceSlice(BlockDevice parent, String name, long offset, long length) {
        if (offset < 0 || length < 0 || offset > parent.size() || length > parent.size() - offset) {
            throw new IllegalArgumentException(name + ": window [" + offset + ", +" + length + ") lies outside "
                    + parent.name() + " (" + parent.size() + " bytes)");
        }
        this.parent = parent;
        this.name = name;
        this.offset = offset;
        this.length = length;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long size() {
        return length;
    }

    @Override
    public int logicalSectorSize() {
        return parent.logicalSectorSize();
    }

    @Override
    public int read(long position, ByteBuffer dst) throws IOException {
        if (position < 0) {
            throw new IllegalArgumentException("negative position " + position);
        }
        if (position >= length) {
            return -1;
        }
        long available = length - position;
        if (dst.remaining() <= available) {
            return parent.read(offset + position, dst);
        }
        ByteBuffer limited = dst.slice().limit((int) available);
        int n = parent.read(offset + position, limited);
        if (n > 0) {
            dst.position(dst.position() + n);
        }
        return n;
    }

    @Override
    public void close() {
        // The parent owns the file descriptor.
    }

    @Override
    public String toString() {
        return name;
    }
}
