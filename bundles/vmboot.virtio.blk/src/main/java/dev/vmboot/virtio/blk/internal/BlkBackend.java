package dev.vmboot.virtio.blk.internal;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The file behind the disk: an image file or a host block device, opened {@code O_RDONLY} for a read-only disk (so no
 * bug or hostile request can write to it) and read-write otherwise. I/O goes straight between the file and guest
 * memory views.
 * <p>
 * Threads: the I/O methods are called by the queue's worker only, one at a time; that exclusive use is what lets
 * them set the channel's position and use its scattering and gathering calls ({@code readv}/{@code writev}, one
 * system call for a request of many segments, where one positional call per segment measured 2.5 to 3 times slower
 * for 32 to 128 pages). {@link #close} comes from the transport after the worker stopped.
 * <p>
 * A {@link FileChannel} closes itself when the thread using it is interrupted. The transport owns the worker thread
 * and may interrupt it; the request then fails with IOERR, and the next request opens the file again in the same
 * mode (counted as {@code backend_reopened}) instead of losing the disk for the rest of the machine's life.
 */
final class BlkBackend implements Closeable {
    /**
     * Buffers per scattering read. The JDK walks the buffers of a {@code FileChannel.read(ByteBuffer[])} in Java, three
     * times, and with the launcher's C1-only JIT that method is compiled after about a hundred calls: as one call per
     * request, a fresh VMM ran those loops interpreted for its first hundred or so requests (measured in the lab: about
     * half of a 256 MiB read, with up to 254 buffers a request). In calls of at most 32 buffers it is compiled after a
     * few dozen requests; the cost is a few more readv calls per request, the channel's position moving on by itself.
     */
    static final int BUFFERS_PER_READ = 32;
    /** Written from for write zeroes; shared read-only, each use takes a duplicate. */
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(256 << 10).asReadOnlyBuffer();

    private final Path path;
    private final boolean readOnly;
    private final BlkCounters counters;
    private volatile FileChannel channel;
    private boolean closed;
    /**
     * The channel whose position is known to be {@link #channelPosition}, after the last scattering or gathering call
     * ended without an error; null when not known. The worker's only: a sequential reader's next request starts where
     * the last ended, and then needs no seek.
     */
    private FileChannel positioned;
    private long channelPosition;

    private BlkBackend(Path path, boolean readOnly, BlkCounters counters) throws IOException {
        this.path = path;
        this.readOnly = readOnly;
        this.counters = counters;
        this.channel = openChannel();
    }

    /** Opens {@code path}, read-only or read-write; the file must exist. */
    static BlkBackend open(Path path, boolean readOnly, BlkCounters counters) throws IOException {
        return new BlkBackend(path, readOnly, counters);
    }

    boolean readOnly() {
        return readOnly;
    }

    /** Fills every byte of {@code dsts} from the file at {@code position}; the end of the file is an error. */
    void read(ByteBuffer[] dsts, long position) throws IOException {
        FileChannel ch = channel();
        if (dsts.length == 1) {
            ByteBuffer dst = dsts[0];
            for (long p = position; dst.hasRemaining();) {
                int n = ch.read(dst, p);
                if (n < 0) {
                    throw new EOFException(path + ": end of file at " + p);
                }
                p += n;
            }
            return;
        }
        seek(ch, position);
        long done = 0;
        for (int from = 0; from < dsts.length; from += BUFFERS_PER_READ) {
            int to = Math.min(from + BUFFERS_PER_READ, dsts.length);
            // A scattering read fills the buffers in order: the last one with room is full only when all are.
            int last = to - 1;
            while (last >= from && !dsts[last].hasRemaining()) {
                last--;
            }
            if (last < from) {
                continue;
            }
            ByteBuffer end = dsts[last];
            while (end.hasRemaining()) {
                long n = ch.read(dsts, from, last + 1 - from);
                if (n < 0) {
                    throw new EOFException(path + ": end of file at " + (position + done));
                }
                done += n;
            }
        }
        positionedAt(ch, position + done);
    }

    /** Writes every byte of {@code srcs} to the file at {@code position}. */
    void write(ByteBuffer[] srcs, long position) throws IOException {
        FileChannel ch = writableChannel();
        if (srcs.length == 1) {
            ByteBuffer src = srcs[0];
            for (long p = position; src.hasRemaining();) {
                p += ch.write(src, p);
            }
            return;
        }
        seek(ch, position);
        long total = remaining(srcs);
        for (long left = total; left > 0;) {
            left -= ch.write(srcs);
        }
        positionedAt(ch, position + total);
    }

    /** Sets the channel's position unless it is known to be there already; it is unknown until the call succeeds. */
    private void seek(FileChannel ch, long position) throws IOException {
        if (ch != positioned || channelPosition != position) {
            ch.position(position);
        }
        positioned = null;
    }

    private void positionedAt(FileChannel ch, long position) {
        positioned = ch;
        channelPosition = position;
    }

    /** Writes {@code length} zero bytes at {@code position}. */
    void writeZeroes(long position, long length) throws IOException {
        FileChannel ch = writableChannel();
        long p = position;
        for (long left = length; left > 0;) {
            ByteBuffer zeros = ZEROS.duplicate();
            zeros.limit((int) Math.min(left, zeros.capacity()));
            while (zeros.hasRemaining()) {
                int n = ch.write(zeros, p);
                p += n;
                left -= n;
            }
        }
    }

    /** Commits written data to the storage device ({@code fdatasync}, or {@code fsync} with metadata). */
    void force(boolean metadata) throws IOException {
        writableChannel().force(metadata);
    }

    @Override
    public synchronized void close() throws IOException {
        closed = true;
        channel.close();
    }

    private FileChannel writableChannel() throws IOException {
        if (readOnly) {
            // BlkRequest refuses writes to a read-only disk before they get here; the channel could not write anyway
            throw new IOException(path + " is read-only");
        }
        return channel();
    }

    private FileChannel channel() throws IOException {
        FileChannel ch = channel;
        return ch.isOpen() ? ch : reopen();
    }

    private synchronized FileChannel reopen() throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
        if (!channel.isOpen()) {
            channel = openChannel();
            counters.increment(BlkCounters.Counter.BACKEND_REOPENED);
        }
        return channel;
    }

    private FileChannel openChannel() throws IOException {
        OpenOption[] mode = readOnly ? new OpenOption[] { StandardOpenOption.READ }
                : new OpenOption[] { StandardOpenOption.READ, StandardOpenOption.WRITE };
        return FileChannel.open(path, mode);
    }

    private static long remaining(ByteBuffer[] buffers) {
        long sum = 0;
        for (ByteBuffer b : buffers) {
            sum += b.remaining();
        }
        return sum;
    }
}
