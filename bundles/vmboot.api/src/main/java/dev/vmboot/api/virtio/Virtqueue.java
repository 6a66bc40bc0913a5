package dev.vmboot.api.virtio;

import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The device side of one split virtqueue (virtio 1.2, 2.7), handed to a device at activation. Only one thread uses a
 * queue at a time: its worker (see {@link VirtioDevice#queueNotified}), or the device's own thread for that queue.
 */
@ProviderType
public interface Virtqueue {

    /** The queue's index in the device. */
    int index();

    /** The queue size the driver chose (a power of two). */
    int size();

    /**
     * The next chain the driver made available, walked and checked; empty when there is none.
     *
     * @throws InvalidChainException     for a chain that breaks a rule; its head is consumed: return it with
     *                                   {@code addUsed(e.headIndex(), 0)} and go on with the next. Only when the
     *                                   available ring entry itself is out of range ({@code e.headIndex() >= size()},
     *                                   kind INDEX) is there no chain to return: skip {@code addUsed} then
     * @throws VirtqueueBrokenException when the available ring itself is impossible (its index ran ahead by more than
     *                                   the queue size): the queue cannot be used until the driver resets the device
     */
    Optional<DescriptorChain> pop() throws InvalidChainException, VirtqueueBrokenException;

    /**
     * Returns the chain starting at {@code headIndex} to the driver with {@code bytesWritten} bytes written into its
     * writable buffers (virtio 1.2, 2.7.8): the used element is stored, then the used index is published.
     *
     * @throws IllegalArgumentException if {@code headIndex} is not below {@link #size()}
     */
    void addUsed(int headIndex, long bytesWritten);

    /**
     * Returns {@code count} chains at once: their used elements are stored in order, then the used index is published
     * once, so the driver sees all of them or none. A received packet spread over several buffers (virtio 1.2,
     * 5.1.6.4.2, VIRTIO_NET_F_MRG_RXBUF) must become visible whole: a driver that finds the first buffer's
     * {@code num_buffers} larger than what is used drops the packet.
     *
     * @throws IllegalArgumentException if a head index is not below {@link #size()} or a length is not a 32-bit
     *                                  length, before anything is stored; or if {@code count} exceeds either array
     */
    void addUsed(int[] headIndices, long[] bytesWritten, int count);

    /** Asks the driver not to notify the device (used-ring flag or avail_event, 2.7.10), e.g. while draining. */
    void disableNotification();

    /**
     * Asks the driver to notify the device again, then checks for chains that arrived meanwhile.
     *
     * @return true if chains are available: drain again before waiting
     */
    boolean enableNotification();

    /**
     * Whether the driver wants an interrupt for the used elements added since the last interrupt (its
     * VIRTQ_AVAIL_F_NO_INTERRUPT flag, or used_event with VIRTIO_F_RING_EVENT_IDX, 2.7.7 and 2.7.10).
     */
    boolean needsNotification();
}
