package dev.vmboot.api.virtio;

import java.io.IOException;
import java.util.Map;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A virtio device back-end (virtio 1.2, section 5), independent of the transport that carries it. The threading rules
 * and what the transport does for the device are in the {@linkplain dev.vmboot.api.virtio package documentation}.
 */
@ConsumerType
public interface VirtioDevice extends AutoCloseable {

    /** The device ID of virtio 1.2, 5 "Device Types": 1 network, 2 block, 3 console, 4 entropy. */
    int deviceType();

    /** The largest size of each virtqueue, each a power of two from 1 to 32768; the length is the number of queues. */
    int[] queueMaxSizes();

    /**
     * Feature bits the device offers (its device-type bits 0-23 and any of 24 and up it implements itself). The
     * transport adds {@code VERSION_1}, {@code RING_INDIRECT_DESC} and {@code RING_EVENT_IDX}.
     */
    long deviceFeatures();

    /**
     * The device-specific configuration structure as the driver reads it now (little-endian); the transport serves
     * reads of any width from it, reads past its end as zero, and bumps the configuration generation when it changes.
     */
    byte[] configSpace();

    /** A driver write to the configuration structure at {@code offset}; most devices have nothing writable there. */
    default void writeConfig(int offset, byte[] data) {
    }

    /**
     * The driver set DRIVER_OK: every queue it enabled has been checked and is handed over; the device starts serving.
     * Called at most once between two {@link #reset()}s, however often the driver sets DRIVER_OK.
     *
     * @throws IOException if the device cannot start (its back-end went away); the transport then sets
     *                     DEVICE_NEEDS_RESET
     */
    void activate(VirtioActivation activation) throws IOException;

    /**
     * The driver made buffers available on queue {@code index}, or the transport asks the device to look at the queue
     * again. Called on that queue's worker thread; serve what is there (at most a queue size of chains per call, so a
     * driver that keeps refilling cannot hold the thread for ever) and raise the queue's interrupt if
     * {@link Virtqueue#needsNotification()} says so.
     *
     * @return true if the call stopped at its bound with chains still waiting: the transport calls again (unless it is
     *         stopping) instead of waiting for a notification the driver may never send (with EVENT_IDX a driver that
     *         waits for those completions does not notify again); false when the device is done for now (a device
     *         whose queue is served by a thread of its own, such as a receive queue, just wakes that thread and
     *         returns false)
     * @throws VirtqueueBrokenException when the queue can no longer be used; the transport sets DEVICE_NEEDS_RESET and
     *                                  stops calling until the driver resets the device
     */
    boolean queueNotified(int index) throws VirtqueueBrokenException;

    /**
     * The driver reset the device (status 0), or the machine is ending. Returns only once no thread of this device
     * touches guest memory or raises an interrupt for the ended activation; the device can then be activated again.
     */
    void reset();

    /**
     * What the device has done and refused, by name ({@code read_bytes}, {@code invalid_chain}...), for
     * {@code vmboot:list} and tests. Guest mistakes are counted here rather than logged one by one.
     */
    default Map<String, Long> counters() {
        return Map.of();
    }

    /** Resets the device if it is active and releases its back-end (files, descriptors). */
    @Override
    void close();
}
