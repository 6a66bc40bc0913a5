package dev.vmboot.kvm;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;

import com.sun.jna.LastErrorException;

/**
 * A host file opened read-only ({@code O_RDONLY | O_CLOEXEC}) and read with {@code preadv(2)} into host memory given
 * by address: the native half of reading a disk image straight into guest RAM. The caller owns the addresses and
 * checks them (they must lie in memory it mapped); this class only makes the system call.
 * <p>
 * Threads: {@link #read} by one thread at a time; {@link #close} after the last read returned (the descriptor number
 * could otherwise be reused under a read).
 */
public final class VectoredFile implements Closeable {
    /** {@code UIO_MAXIOV} (include/uapi/linux/uio.h): the most iovecs one {@code preadv} takes. */
    public static final int MAX_IOVECS = 1024;

    private final Path path;
    private final Kvm.FileDescriptor fd;

    private VectoredFile(Path path, int fd) {
        this.path = path;
        this.fd = new Kvm.FileDescriptor(fd);
    }

    public static VectoredFile openReadOnly(Path path) throws IOException {
        try {
            return new VectoredFile(path, LibC.open(path.toString(), LibC.O_RDONLY | LibC.O_CLOEXEC));
        } catch (LastErrorException e) {
            throw new IOException("cannot open " + path + ": " + KvmException.errnoName(e.getErrorCode()));
        }
    }

    /**
     * One {@code preadv} of {@code count} iovecs, given as (base, length) pairs in {@code iovecs[0 .. 2 * count)}, at
     * file offset {@code position}; retried when a signal interrupts it before it read anything.
     *
     * @return the bytes read, fewer than asked where the file ends (0 at its end) or the kernel stopped early
     * @throws IllegalArgumentException if {@code count} is not in [1, {@link #MAX_IOVECS}] or exceeds the array
     */
    public long read(long[] iovecs, int count, long position) throws IOException {
        if (count < 1 || count > MAX_IOVECS || count > iovecs.length / 2 || position < 0) {
            throw new IllegalArgumentException("preadv of " + count + " iovecs at " + position);
        }
        while (true) {
            try {
                return LibC.preadv(fd.fd(), iovecs, count, position);
            } catch (LastErrorException e) {
                if (e.getErrorCode() != LibC.EINTR) {
                    throw new IOException(path + ": read at " + position + " failed: "
                            + KvmException.errnoName(e.getErrorCode()));
                }
            }
        }
    }

    @Override
    public void close() {
        fd.close();
    }
}
