package dev.vmboot.api.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;

import dev.vmboot.api.storage.BlockDevice;

/**
 * A read-only {@link SeekableByteChannel} on a file of a fixed size, the base of the filesystem readers' file
 * channels: it keeps the position, answers {@code -1} at and beyond the end, refuses writing and truncating with
 * {@link NonWritableChannelException}, and throws {@link ClosedChannelException} once closed. A subclass supplies
 * only where the bytes come from, in {@link #readAt}; {@link #readDevice} copies a contiguous run of them from the
 * device straight into the caller's buffer.
 */
public abstract class ReadOnlyFileChannel implements SeekableByteChannel {
    private final long size;
    private long position;
    private boolean open = true;

    /** @param size the file's size in bytes (a channel of a negative size reads as empty) */
    protected ReadOnlyFileChannel(long size) {
        this.size = size;
    }

    /**
     * Reads between 1 and {@code max} bytes of the file at {@code at} into {@code dst}, advancing its position by
     * that count. {@code at} is before the end of the file, and {@code max} is at least 1 and at most both
     * {@code dst.remaining()} and the bytes left in the file.
     *
     * @return the number of bytes read
     */
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

    /** @throws NonWritableChannelException always */
    @Override
    public final int write(ByteBuffer src) {
        throw new NonWritableChannelException();
    }

    @Override
    public final long position() throws IOException {
        ensureOpen();
        return position;
    }

    /** Any position is allowed; one at or beyond the end makes {@link #read} answer {@code -1}. */
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

    /** @throws NonWritableChannelException always */
    @Override
    public final SeekableByteChannel truncate(long newSize) {
        throw new NonWritableChannelException();
    }

    @Override
    public final boolean isOpen() {
        return open;
    }

    /** Marks the channel closed; a subclass holding resources releases them too and calls this. */
    @Override
    public void close() {
        open = false;
    }

    /**
     * Reads exactly {@code length} bytes of {@code device} at {@code devicePos} into {@code dst}, which has room for
     * them, advancing its position by {@code length}.
     *
     * @throws CorruptFilesystemException from {@link #beyondDevice} if the device ends first
     */
    protected final void readDevice(BlockDevice device, long devicePos, ByteBuffer dst, int length)
            throws IOException {
        int limit = dst.limit();
        dst.limit(dst.position() + length);
        try {
            long pos = devicePos;
            while (dst.hasRemaining()) {
                int n = device.read(pos, dst);
                if (n < 0) {
                    throw beyondDevice(device, pos);
                }
                pos += n;
            }
        } finally {
            dst.limit(limit);
        }
    }

    /**
     * The error for file data that {@link #readDevice} finds past the end of {@code device}, at {@code devicePos}:
     * the file's metadata points outside its volume (a corrupt or truncated image). A subclass names its file.
     */
    protected CorruptFilesystemException beyondDevice(BlockDevice device, long devicePos) {
        return new CorruptFilesystemException("file data", devicePos, "beyond the end of the device ("
                + device.size() + " bytes): truncated image?");
    }

    private void ensureOpen() throws ClosedChannelException {
        if (!open) {
            throw new ClosedChannelException();
        }
    }
}
