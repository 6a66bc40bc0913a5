package dev.vmboot.virtio.net.internal;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A TAP interface as the device uses it: whole frames, each preceded by a 12-byte virtio-net header
 * ({@link NetHeader}), read and written one per call. The seam between the device and {@code /dev/net/tun}
 * ({@link LinuxTap}); tests use a memory one.
 * <p>
 * Threads: {@link #read} and {@link #awaitReadable} are called by the device's receive thread only, {@link #write} by
 * the transmit queue's worker only, {@link #setOffload} by the transport's calls; {@link #wakeUp} from any thread.
 * {@link #close} once no thread uses the tap any more.
 */
interface TapDevice extends AutoCloseable {

    // linux/if_tun.h: TUNSETOFFLOAD flags
    int TUN_F_CSUM = 0x01;
    int TUN_F_TSO4 = 0x02;
    int TUN_F_TSO6 = 0x04;

    /** The interface name ({@code tap0}). */
    String name();

    /**
     * Reads the next frame (header and Ethernet frame) into {@code dst} from its position, without waiting.
     *
     * @return the bytes read; 0 when no frame is waiting
     * @throws FrameTooLargeException if the frame did not fit in {@code dst}: it is gone
     * @throws IOException            if the tap failed
     */
    int read(ByteBuffer dst) throws IOException;

    /**
     * Writes one frame gathered from {@code pieces} (from each one's position to its limit).
     *
     * @return the bytes written
     */
    long write(ByteBuffer[] pieces) throws IOException;

    /**
     * Waits until a frame can be read, {@link #wakeUp} is called, or {@code timeoutMillis} passed (negative: no
     * bound).
     *
     * @return whether a frame (or an error) can be read
     */
    boolean awaitReadable(int timeoutMillis) throws IOException;

    /** Ends a wait in {@link #awaitReadable}, or the next one if none is in progress. */
    void wakeUp();

    /**
     * Tells the tap which offloads the guest takes on received frames: {@code TUN_F_*} bits of linux/if_tun.h, 0 for
     * none; with them the tap may hand over frames with partial checksums and TCP segments up to 64 KiB.
     *
     * @throws IOException if the tap refuses them
     */
    void setOffload(int tunFlags) throws IOException;

    @Override
    void close();

    /** A frame longer than the buffer it was read into: the tap dropped it. */
    final class FrameTooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        FrameTooLargeException(String message) {
            super(message);
        }
    }
}
