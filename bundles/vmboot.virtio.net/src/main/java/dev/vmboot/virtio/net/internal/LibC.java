package dev.vmboot.virtio.net.internal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * The libc calls a TAP interface needs, bound with JNA direct mapping. This plug-in keeps its own small binding rather
 * than reaching into {@code vmboot.kvm} (the KVM binding, a core library that exports no libc) or adding a shared
 * bundle for six calls only this device uses. Failures throw {@link LastErrorException} carrying errno.
 */
final class LibC {
    static {
        Native.register(LibC.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    // <fcntl.h>, <sys/eventfd.h>, <poll.h> (x86-64 Linux values)
    static final int O_RDWR = 0x2;
    static final int O_NONBLOCK = 0x800;
    static final int O_CLOEXEC = 0x80000;
    static final int EFD_CLOEXEC = 0x80000;
    static final int EFD_NONBLOCK = 0x800;
    static final short POLLIN = 0x1;

    // asm-generic/errno-base.h, errno.h
    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int EINTR = 4;
    static final int ENXIO = 6;
    static final int EAGAIN = 11;
    static final int EACCES = 13;
    static final int EFAULT = 14;
    static final int EBUSY = 16;
    static final int ENODEV = 19;
    static final int EINVAL = 22;

    private LibC() {
    }

    static native int open(String path, int flags) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;

    static native int ioctl(int fd, long request, Pointer arg) throws LastErrorException;

    static native int ioctl(int fd, long request, long arg) throws LastErrorException;

    static native long read(int fd, Pointer buf, long count) throws LastErrorException;

    static native long write(int fd, Pointer buf, long count) throws LastErrorException;

    static native long writev(int fd, Pointer iov, int iovcnt) throws LastErrorException;

    static native int poll(Pointer fds, long nfds, int timeoutMillis) throws LastErrorException;

    static native int eventfd(int initval, int flags) throws LastErrorException;

    /**
     * Calls whose usual failure is no news: they return -1 and leave errno in {@link Native#getLastError()} instead
     * of throwing. The receive thread reads the tap until it is empty, so every burst ends in EAGAIN; as a
     * {@link LastErrorException} that cost a stack trace and a formatted strerror message each time, most of that
     * thread's time in the lab's profile (bench/net-profile.sh).
     */
    static final class Quiet {
        static {
            Native.register(Quiet.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
        }

        private Quiet() {
        }

        static native long read(int fd, Pointer buf, long count);
    }
}
