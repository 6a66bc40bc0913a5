package dev.vmboot.kvm;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * The libc calls KVM needs, bound with JNA direct mapping ({@link Native#register}): a direct call costs a fraction of
 * an interface-mapped one, which matters for {@code ioctl(KVM_RUN)} on every VM exit. Failures throw
 * {@link LastErrorException} carrying errno.
 */
final class LibC {
    static {
        Native.register(LibC.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    // <fcntl.h>, <sys/mman.h>, <sys/eventfd.h>, <signal.h> (x86-64 Linux values).
    static final int O_RDONLY = 0x0;
    static final int O_RDWR = 0x2;
    static final int O_CLOEXEC = 0x80000;
    static final int PROT_READ = 0x1;
    static final int PROT_WRITE = 0x2;
    static final int PROT_NONE = 0x0;
    static final int MAP_SHARED = 0x01;
    static final int MAP_PRIVATE = 0x02;
    static final int MAP_ANONYMOUS = 0x20;
    static final int MAP_NORESERVE = 0x4000;
    /** asm-generic/mman-common.h: back the range with transparent huge pages where the kernel can. */
    static final int MADV_HUGEPAGE = 14;
    static final int EFD_CLOEXEC = 0x80000;
    static final int EFD_NONBLOCK = 0x800;
    /**
     * The signal that kicks a vCPU thread out of {@code KVM_RUN}. HotSpot installs a handler for SIGPIPE that ignores
     * it (signals_posix.cpp), so a thread-directed SIGPIPE interrupts the ioctl with EINTR and does nothing else.
     */
    static final int SIGPIPE = 13;

    // errno values (asm-generic/errno-base.h).
    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int EINTR = 4;
    static final int ENXIO = 6;
    static final int E2BIG = 7;
    static final int EAGAIN = 11;
    static final int ENOMEM = 12;
    static final int EACCES = 13;
    static final int EFAULT = 14;
    static final int EEXIST = 17;
    static final int ENODEV = 19;
    static final int EINVAL = 22;
    static final int ENOTTY = 25;

    private LibC() {
    }

    static native int open(String path, int flags) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;

    /** {@code ioctl(fd, request, arg)}; integer arguments are passed as a pointer whose value is the integer. */
    static native int ioctl(int fd, long request, Pointer arg) throws LastErrorException;

    /**
     * {@code ioctl(fd, request, arg)} with an integer argument, all primitives: JNA passes them without converting an
     * object, the cheapest call it has. {@code KVM_RUN} (argument 0) takes this path on every exit.
     */
    static native int ioctl(int fd, long request, long arg) throws LastErrorException;

    static native Pointer mmap(Pointer addr, long length, int prot, int flags, int fd, long offset)
            throws LastErrorException;

    static native int munmap(Pointer addr, long length) throws LastErrorException;

    static native int madvise(Pointer addr, long length, int advice) throws LastErrorException;

    static native int eventfd(int initval, int flags) throws LastErrorException;

    static native long read(int fd, Pointer buf, long count) throws LastErrorException;

    static native long write(int fd, Pointer buf, long count) throws LastErrorException;

    /**
     * {@code preadv(fd, iov, iovcnt, offset)} with the {@code struct iovec} array as a {@code long[]} of
     * (base, length) pairs, which is its x86-64 layout: JNA passes a primitive array without converting an object.
     */
    static native long preadv(int fd, long[] iov, int iovcnt, long offset) throws LastErrorException;

    static native long pthread_self();

    /** Returns 0 or an error number (it does not set errno). */
    static native int pthread_kill(long thread, int signal);

    /** A pointer-sized integer argument for {@link #ioctl}. */
    static Pointer arg(long value) {
        return value == 0 ? null : new Pointer(value);
    }

    static boolean failed(Pointer mmapResult) {
        return Pointer.nativeValue(mmapResult) == -1L;
    }
}
