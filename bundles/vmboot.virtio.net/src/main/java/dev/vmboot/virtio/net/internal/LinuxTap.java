package dev.vmboot.virtio.net.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * A TAP interface opened through {@code /dev/net/tun} (Documentation/networking/tuntap.rst): {@code TUNSETIFF} with
 * IFF_TAP | IFF_NO_PI | IFF_VNET_HDR attaches to the interface of that name, or creates it (non-persistent: it goes
 * when this descriptor closes), which needs CAP_NET_ADMIN unless it is a persistent tap owned by this user;
 * {@code TUNSETVNETHDRSZ} makes the header the 12 bytes of a VERSION_1 virtio-net header. The descriptor is
 * non-blocking; {@link #awaitReadable} polls it together with an eventfd that {@link #wakeUp} signals.
 */
final class LinuxTap implements TapDevice {

    static final String TUN_PATH = "/dev/net/tun";

    // linux/if_tun.h: ioctls, _IOW('T', nr, int) and _IOR('T', nr, unsigned int)
    static final long TUNSETIFF = 0x400454caL;
    static final long TUNSETOFFLOAD = 0x400454d0L;
    static final long TUNSETVNETHDRSZ = 0x400454d8L;
    // linux/if_tun.h: TUNSETIFF flags
    static final short IFF_TAP = 0x0002;
    static final short IFF_NO_PI = 0x1000;
    static final short IFF_VNET_HDR = 0x4000;
    /** linux/if.h: IFNAMSIZ, the name with its NUL; struct ifreq is 40 bytes on x86-64. */
    static final int IFNAMSIZ = 16;
    static final int IFREQ_BYTES = 40;
    /** struct pollfd: int fd, short events, short revents. */
    private static final int POLLFD_BYTES = 8;
    /** struct iovec: void *iov_base, size_t iov_len. */
    private static final int IOVEC_BYTES = 16;
    /** IOV_MAX (limits.h): more pieces than this are gathered into one buffer first. */
    private static final int IOV_MAX = 1024;

    private final String name;
    private final int fd;
    private final int wakeFd;
    private final Memory pollFds = new Memory(2L * POLLFD_BYTES);
    private final Memory wakeCounter = new Memory(8);
    private final Memory drainCounter = new Memory(8);
    private final Memory iovecs = new Memory((long) IOV_MAX * IOVEC_BYTES);
    /*
     * pollFds and iovecs seen from Java: the per-frame stores are plain Java writes, not a JNI call per field as
     * Memory.setInt/setLong are (the lab's profile of the transmit and receive threads, bench/net-profile.sh).
     */
    private final ByteBuffer pollFields = pollFds.getByteBuffer(0, 2L * POLLFD_BYTES).order(ByteOrder.nativeOrder());
    private final ByteBuffer iovecFields = iovecs.getByteBuffer(0, (long) IOV_MAX * IOVEC_BYTES)
            .order(ByteOrder.nativeOrder());
    /** The buffer {@link #read} read into last and its address: the receive thread reads into one buffer. */
    private ByteBuffer readInto;
    private Pointer readIntoAddress;
    /** Where frames whose pieces are not all direct buffers are gathered (tests on heap memory); TX thread only. */
    private final ByteBuffer gather;
    private volatile boolean closed;

    private LinuxTap(String name, int fd, int wakeFd, int maxFrame) {
        this.name = name;
        this.fd = fd;
        this.wakeFd = wakeFd;
        this.gather = ByteBuffer.allocateDirect(maxFrame);
    }

    /**
     * Opens tap {@code name}, creating it if it does not exist (and this process may).
     *
     * @param maxFrame the largest header + frame that {@link #write} gathers into one buffer
     * @throws IOException with one sentence saying what is wrong and what to do
     */
    static LinuxTap open(String name, int maxFrame) throws IOException {
        byte[] nameBytes = name.getBytes(StandardCharsets.US_ASCII);
        if (nameBytes.length == 0 || nameBytes.length >= IFNAMSIZ) {
            throw new IllegalArgumentException("tap name '" + name + "' must have 1-" + (IFNAMSIZ - 1) + " bytes");
        }
        int fd;
        try {
            fd = LibC.open(TUN_PATH, LibC.O_RDWR | LibC.O_NONBLOCK | LibC.O_CLOEXEC);
        } catch (LastErrorException e) {
            throw new IOException(switch (e.getErrorCode()) {
            case LibC.ENOENT, LibC.ENODEV, LibC.ENXIO -> "tap " + name + ": there is no " + TUN_PATH
                    + " (load the tun module: modprobe tun)";
            case LibC.EACCES, LibC.EPERM -> "tap " + name + ": no permission to open " + TUN_PATH
                    + " (run as root, or give this user access to it)";
            default -> "tap " + name + ": opening " + TUN_PATH + " failed with errno " + e.getErrorCode();
            });
        }
        int wakeFd = -1;
        try (Memory ifreq = new Memory(IFREQ_BYTES); Memory headerSize = new Memory(4)) {
            ifreq.clear();
            ifreq.write(0, nameBytes, 0, nameBytes.length);
            ifreq.setShort(IFNAMSIZ, (short) (IFF_TAP | IFF_NO_PI | IFF_VNET_HDR));
            try {
                LibC.ioctl(fd, TUNSETIFF, ifreq);
            } catch (LastErrorException e) {
                throw new IOException(switch (e.getErrorCode()) {
                case LibC.EPERM, LibC.EACCES -> "tap " + name + ": creating or attaching to it needs CAP_NET_ADMIN"
                        + " (run as root, or create it for this user: ip tuntap add " + name + " mode tap user "
                        + System.getProperty("user.name") + ")";
                case LibC.EBUSY -> "tap " + name + ": it is in use by another process";
                case LibC.EINVAL -> "tap " + name + ": an interface of that name exists and is not a tap";
                default -> "tap " + name + ": TUNSETIFF failed with errno " + e.getErrorCode();
                });
            }
            headerSize.setInt(0, NetHeader.BYTES);
            try {
                LibC.ioctl(fd, TUNSETVNETHDRSZ, headerSize);
            } catch (LastErrorException e) {
                throw new IOException("tap " + name + ": the kernel refused a " + NetHeader.BYTES
                        + "-byte virtio-net header (errno " + e.getErrorCode() + ")");
            }
            try {
                wakeFd = LibC.eventfd(0, LibC.EFD_CLOEXEC | LibC.EFD_NONBLOCK);
            } catch (LastErrorException e) {
                throw new IOException("tap " + name + ": eventfd failed with errno " + e.getErrorCode());
            }
            return new LinuxTap(name, fd, wakeFd, maxFrame);
        } catch (IOException | RuntimeException e) {
            closeQuietly(fd);
            if (wakeFd >= 0) {
                closeQuietly(wakeFd);
            }
            throw e;
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (!dst.isDirect()) {
            throw new IllegalArgumentException("tap reads go into direct buffers");
        }
        checkOpen();
        if (dst != readInto) {
            readIntoAddress = Native.getDirectBufferPointer(dst);
            readInto = dst;
        }
        long n = LibC.Quiet.read(fd, readIntoAddress.share(dst.position()), dst.remaining());
        if (n >= 0) {
            dst.position(dst.position() + (int) n);
            return (int) n;
        }
        int errno = Native.getLastError();
        return switch (errno) {
        case LibC.EAGAIN, LibC.EINTR -> 0;
        // tun_put_user: the frame did not fit the buffer; the tap has dropped it
        case LibC.EFAULT, LibC.EINVAL -> throw new FrameTooLargeException("a frame longer than " + dst.remaining()
                + " bytes");
        default -> throw new IOException("tap " + name + ": read failed with errno " + errno);
        };
    }

    @Override
    public long write(ByteBuffer[] pieces) throws IOException {
        checkOpen();
        boolean direct = pieces.length <= IOV_MAX;
        for (ByteBuffer p : pieces) {
            direct &= p.isDirect();
        }
        try {
            if (direct) {
                for (int i = 0; i < pieces.length; i++) {
                    iovecFields.putLong(i * IOVEC_BYTES, Pointer.nativeValue(address(pieces[i])));
                    iovecFields.putLong(i * IOVEC_BYTES + 8, pieces[i].remaining());
                }
                return LibC.writev(fd, iovecs, pieces.length);
            }
            gather.clear();
            for (ByteBuffer p : pieces) {
                if (p.remaining() > gather.remaining()) {
                    throw new IOException("tap " + name + ": a frame longer than " + gather.capacity() + " bytes");
                }
                gather.put(p.duplicate());
            }
            gather.flip();
            return LibC.write(fd, address(gather), gather.remaining());
        } catch (LastErrorException e) {
            throw new IOException("tap " + name + ": write failed with errno " + e.getErrorCode()
                    + (e.getErrorCode() == 5 ? " (is the interface up?)" : ""));
        }
    }

    @Override
    public boolean awaitReadable(int timeoutMillis) throws IOException {
        checkOpen();
        pollFields.putInt(0, fd);
        pollFields.putShort(4, LibC.POLLIN);
        pollFields.putShort(6, (short) 0);
        pollFields.putInt(POLLFD_BYTES, wakeFd);
        pollFields.putShort(POLLFD_BYTES + 4, LibC.POLLIN);
        pollFields.putShort(POLLFD_BYTES + 6, (short) 0);
        try {
            LibC.poll(pollFds, 2, timeoutMillis < 0 ? -1 : timeoutMillis);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == LibC.EINTR) {
                return false;
            }
            throw new IOException("tap " + name + ": poll failed with errno " + e.getErrorCode());
        }
        if (pollFields.getShort(POLLFD_BYTES + 6) != 0) {
            try {
                LibC.read(wakeFd, drainCounter, 8);
            } catch (LastErrorException e) {
                // EAGAIN: another wait took the wake-up already
            }
        }
        return pollFields.getShort(6) != 0; // POLLIN, or POLLERR/POLLHUP, which the next read reports
    }

    @Override
    public void wakeUp() {
        if (closed) {
            return;
        }
        synchronized (wakeCounter) {
            wakeCounter.setLong(0, 1);
            try {
                LibC.write(wakeFd, wakeCounter, 8);
            } catch (LastErrorException e) {
                // EAGAIN: the counter is full, a wake-up is pending anyway
            }
        }
    }

    @Override
    public void setOffload(int tunFlags) throws IOException {
        checkOpen();
        try {
            LibC.ioctl(fd, TUNSETOFFLOAD, (long) tunFlags);
        } catch (LastErrorException e) {
            throw new IOException("tap " + name + ": TUNSETOFFLOAD 0x" + Integer.toHexString(tunFlags)
                    + " refused with errno " + e.getErrorCode());
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        synchronized (wakeCounter) {
            closeQuietly(wakeFd);
        }
        closeQuietly(fd);
        pollFds.close();
        wakeCounter.close();
        drainCounter.close();
        iovecs.close();
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("tap " + name + " is closed");
        }
    }

    private static Pointer address(ByteBuffer b) {
        return Native.getDirectBufferPointer(b).share(b.position());
    }

    private static void closeQuietly(int fd) {
        try {
            LibC.close(fd);
        } catch (LastErrorException e) {
            // nothing left to do with a descriptor that will not close
        }
    }

    @Override
    public String toString() {
        return "tap " + name;
    }
}
