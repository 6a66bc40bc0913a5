package dev.vmboot.kvm;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;

/** An {@code eventfd(2)} counter, for {@link KvmVm#irqfd} and {@link KvmVm#ioeventfd}. */
public final class EventFd implements AutoCloseable {
    private final Kvm.FileDescriptor fd;
    private final Memory buffer = new Memory(8);

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
    public synchronized void signal(long value) throws KvmException {
        buffer.setLong(0, value);
        try {
            LibC.write(fd.fd(), buffer, 8);
        } catch (LastErrorException e) {
            throw new KvmException("eventfd write", e.getErrorCode());
        }
    }

    /** Reads and resets the counter; 0 if it was 0 and the eventfd is non-blocking. */
    public synchronized long take() throws KvmException {
        try {
            LibC.read(fd.fd(), buffer, 8);
            return buffer.getLong(0);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == LibC.EAGAIN) {
                return 0;
            }
            throw new KvmException("eventfd read", e.getErrorCode());
        }
    }

    @Override
    public void close() {
        fd.close();
        buffer.close();
    }
}
