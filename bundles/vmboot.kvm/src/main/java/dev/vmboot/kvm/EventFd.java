package dev.vmboot.kvm;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;

/**
 * An {@code eventfd(2)} counter, for {@link KvmVm#irqfd} and {@link KvmVm#ioeventfd}. {@link #take()} may block (a
 * blocking eventfd with a zero counter) while another thread {@link #signal}s it: each side has its own buffer and
 * lock, so a waiting reader never holds up the writer that wakes it. After {@link #close()} both throw
 * {@link IllegalStateException}: the buffers are freed and the descriptor's number may belong to another file by then.
 */
public final class EventFd implements AutoCloseable {
    private final Kvm.FileDescriptor fd;
    private final Memory writeBuffer = new Memory(8);
    private final Memory readBuffer = new Memory(8);
    private volatile boolean closed;

    private EventFd(int fd) {
        this.fd = new Kvm.FileDescriptor(fd);
    }

    /** A close-on-exec eventfd, non-blocking if asked. */
    public static EventFd create(boolean nonBlocking) throws KvmException {
        try {
            return new EventFd(LibC.eventfd(0, LibC.EFD_CLOEXEC | (nonBlocking ? LibC.EFD_NONBLOCK : 0)));
        } catch (LastErrorException e) {
            throw new KvmException("eventfd", e.getErrorCode());
        }
    }

    int fd() {
        return fd.fd();
    }

    /** Adds {@code value} to the counter. */
    public void signal(long value) throws KvmException {
        synchronized (writeBuffer) {
            if (closed) {
                throw new IllegalStateException("eventfd write after close");
            }
            writeBuffer.setLong(0, value);
            try {
                LibC.write(fd.fd(), writeBuffer, 8);
            } catch (LastErrorException e) {
                throw new KvmException("eventfd write", e.getErrorCode());
            }
        }
    }

    /**
     * Reads and resets the counter: waits for a signal if it is 0 and the eventfd is blocking, returns 0 if it is 0
     * and the eventfd is non-blocking. A read interrupted by a signal (EINTR) is retried.
     */
    public long take() throws KvmException {
        synchronized (readBuffer) {
            while (true) {
                if (closed) {
                    throw new IllegalStateException("eventfd read after close");
                }
                try {
                    LibC.read(fd.fd(), readBuffer, 8);
                    return readBuffer.getLong(0);
                } catch (LastErrorException e) {
                    if (e.getErrorCode() == LibC.EAGAIN) {
                        return 0;
                    }
                    if (e.getErrorCode() != LibC.EINTR) {
                        throw new KvmException("eventfd read", e.getErrorCode());
                    }
                }
            }
        }
    }

    /**
     * Wakes a reader blocked in {@link #take()}, waits for it to leave, then closes the descriptor and frees the
     * buffers.
     */
    @Override
    public void close() {
        synchronized (writeBuffer) {
            if (closed) {
                return;
            }
            try {
                writeBuffer.setLong(0, 1);
                LibC.write(fd.fd(), writeBuffer, 8);
            } catch (LastErrorException e) {
                // The counter is full: a blocked reader has been woken already.
            }
            closed = true;
            writeBuffer.close();
        }
        synchronized (readBuffer) {
            fd.close();
            readBuffer.close();
        }
    }
}
