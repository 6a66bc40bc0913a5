package dev.vmboot.machine.internal.virtio;

/**
 * A queue's doorbell: the driver's notifications (virtio 1.2, 4.1.4.4 "Notification structure layout") reach the
 * queue's worker through it. On a KVM machine it is an eventfd that KVM signals itself (ioeventfd), so a notify write
 * never leaves the kernel; writes KVM does not match arrive as MMIO and {@link #ring()} it. The transport also rings it
 * to wake a worker that must stop.
 */
public interface Doorbell extends AutoCloseable {

    /** Records a notification and wakes the waiting worker; never blocks. */
    void ring();

    /** Waits until the doorbell has rung since the last wait, consuming every ring recorded so far. */
    void await() throws InterruptedException;

    @Override
    void close();
}
