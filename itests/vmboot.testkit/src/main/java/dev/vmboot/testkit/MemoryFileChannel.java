package dev.vmboot.testkit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;

/**
 * A read-only channel over a file of a {@link MemoryFileSystem}: each read returns at most the filesystem's piece size,
 * and a read that would take it past the file's good bytes fails as a read of a corrupt extent does.
 */
final class MemoryFileChannel implements SeekableByteChannel {
    private final byte[] content;
    private final int goodBytes;
    private final int piece;
    private long position;
    private boolean open = true;

    MemoryFileChannel(byte[] content, int goodBytes, int piece) {
        this.content = content;
        this.goodBytes = goodBytes;
        this.piece = piece;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        ensureOpen();
        if (position >= content.length) {
            return -1;
        }
        int n = (int) Math.min(Math.min(dst.remaining(), piece), content.length - position);
        if (position + n > goodBytes) {
            throw new IOException("extent at block 1234 lies beyond the device");
        }
        dst.put(content, (int) position, n);
        position += n;
        return n;
    }

    @Override
    public int write(ByteBuffer src) {
        throw new NonWritableChannelException();
    }

    @Override
    public long position() throws IOException {
        ensureOpen();
        return position;
    }

    @Override
    public SeekableByteChannel position(long newPosition) throws IOException {
        ensureOpen();
        if (newPosition < 0) {
            throw new IllegalArgumentException("negative position " + newPosition);
        }
        position = newPosition;
        return this;
    }

    @Override
    public long size() throws IOException {
        ensureOpen();
        return content.length;
    }

    @Override
    public SeekableByteChannel truncate(long size) {
        throw new NonWritableChannelException();
    }

    @Override
    public boolean isOpen() {
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
