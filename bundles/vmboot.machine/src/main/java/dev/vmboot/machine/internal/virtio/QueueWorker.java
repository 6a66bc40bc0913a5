package dev.vmboot.machine.internal.virtio;

import java.util.Objects;

import dev.vmboot.api.virtio.VirtioDevice;
import dev.vmboot.api.virtio.VirtqueueBrokenException;

/**
 * The thread that serves one virtqueue of an active device: it waits on the queue's doorbell and calls
 * {@link VirtioDevice#queueNotified}, so device work (block I/O) never runs on a vCPU thread. One worker per queue, so a
 * queue has one owner (the queue itself takes no locks). It ends when {@link #stop()} is called, after the call in
 * progress returns; a device that breaks the queue, or fails, is reported once to the transport and served no more.
 */
final class QueueWorker {
    /** What the transport does when the device cannot go on with this queue. */
    interface Failure {
        /** The device broke the queue (a hostile driver's doing, said by the device). */
        void queueFailed(int queue, String reason);

        /** The device failed unexpectedly: told (and logged) by the transport, in the guest's log budget. */
        void deviceFailed(int queue, String worker, RuntimeException e);
    }

    private final VirtioDevice device;
    private final int queue;
    private final Doorbell doorbell;
    private final Failure failure;
    private final Thread thread;
    private volatile boolean stopping;

    QueueWorker(String threadName, VirtioDevice device, int queue, Doorbell doorbell, Failure failure) {
        this.device = Objects.requireNonNull(device, "device");
        this.queue = queue;
        this.doorbell = Objects.requireNonNull(doorbell, "doorbell");
        this.failure = Objects.requireNonNull(failure, "failure");
        this.thread = new Thread(this::run, threadName);
        this.thread.setDaemon(true);
    }

    /** Starts serving; the first pass looks at the queue at once, for buffers made available before the start. */
    void start() {
        thread.start();
    }

    private void run() {
        try {
            while (!stopping) {
                if (device.queueNotified(queue)) {
                    continue; // stopped at its bound with chains left: serve on, the driver may not notify again
                }
                doorbell.await();
            }
        } catch (VirtqueueBrokenException e) {
            failure.queueFailed(queue, e.getMessage());
        } catch (RuntimeException e) {
            failure.deviceFailed(queue, thread.getName(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Asks the worker to end and waits for it (at most {@code timeoutMillis}).
     *
     * @return whether the thread has ended: only then may the caller reset the device
     */
    boolean stop(long timeoutMillis) {
        stopping = true;
        doorbell.ring();
        if (Thread.currentThread() == thread) {
            return false;
        }
        try {
            thread.join(timeoutMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !thread.isAlive();
    }
}
