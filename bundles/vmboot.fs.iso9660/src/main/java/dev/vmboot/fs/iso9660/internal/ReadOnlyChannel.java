package dev.vmboot.fs.iso9660.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;

/** What every read-only file channel shares: size, position, and refusing to write. */
abstract class ReadOnlyChannel implements SeekableByteChannel {
    private final long size;
    private long position;
    private boolean open = true;

    ReadOnlyChannel(long size) {
        this.size = size;
    }

    /** Reads between 1 and {@code max} bytes at {@code at} (before the end) into {@code dst}; returns the count. */
    protected abstract int readAt(long at, ByteBuffer dst, int max) throws IOException;

    @Override
    public final int read(ByteBuffer dst) throws IOException {
        ensureOpen();
        if (position >= size) {
            return -1;
        }
        int max = (int) Math.min(dst.remaining(), size - position);
        if (max == 0) {
            return 0;
        }
        int n = readAt(position, dst, max);
        position += n;
        return n;
    }

    @Override
    public final int write(ByteBuffer src) {
        throw new NonWritableChannelException();
    }

    @Override
    public final long position() throws IOException {
        ensureOpen();
        return position;
    }

    @Override
    public final SeekableByteChannel position(long newPosition) throws IOException {
        ensureOpen();
        if (newPosition < 0) {
            throw new IllegalArgumentException("negative position " + newPosition);
        }
        position = newPosition;
        return this;
    }

    @Override
    public final long size() throws IOException {
        ensureOpen();
        return size;
    }

    @Override
    public final SeekableByteChannel truncate(long newSize) {
        throw new NonWritableChannelException();
    }

    @Override
    public final boolean isOpen() {
        return open;
    }

    @Override
    public void close() {
        open = false;
    }

    private void ensureOpen() throws ClosedChannelException {
        if (!open) {
            throw new ClosedChannelException();
        }
    }
}
