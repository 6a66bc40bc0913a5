package dev.vmboot.kvm;

import java.io.IOException;
import java.util.Map;

/** A failed KVM or libc call, with the operation and errno in its message. */
public class KvmException extends IOException {
    private static final long serialVersionUID = 1L;

    private static final Map<Integer, String> NAMES = Map.ofEntries(Map.entry(LibC.EPERM, "EPERM, not permitted"),
            Map.entry(LibC.ENOENT, "ENOENT, no such file"), Map.entry(LibC.EINTR, "EINTR, interrupted"),
            Map.entry(LibC.ENXIO, "ENXIO, no such device or address"), Map.entry(LibC.E2BIG, "E2BIG, too big"),
            Map.entry(LibC.EAGAIN, "EAGAIN, try again"), Map.entry(LibC.ENOMEM, "ENOMEM, out of memory"),
            Map.entry(LibC.EACCES, "EACCES, permission denied"), Map.entry(LibC.EFAULT, "EFAULT, bad address"),
            Map.entry(LibC.EEXIST, "EEXIST, already exists"), Map.entry(LibC.ENODEV, "ENODEV, no such device"),
            Map.entry(LibC.EINVAL, "EINVAL, invalid argument"),
            Map.entry(LibC.ENOTTY, "ENOTTY, not the device the ioctl is for"));

    private final int errno;

    public KvmException(String operation, int errno) {
        super(operation + " failed: " + errnoName(errno));
        this.errno = errno;
    }

    public KvmException(String message) {
        super(message);
        this.errno = 0;
    }

    /** The errno of the failed call, 0 when the failure was not a system call error. */
    public int errno() {
        return errno;
    }

    static String errnoName(int errno) {
        return NAMES.getOrDefault(errno, "errno " + errno);
    }
}
