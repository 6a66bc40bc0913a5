package dev.vmboot.api.virtio;

/**
 * The queue's rings are in a state no correct driver produces: the available index ran more than the queue size
 * ahead of what the device consumed (virtio 1.2, 2.7.6). The device cannot tell which entries are real; it stops using
 * the queue and the transport sets DEVICE_NEEDS_RESET.
 */
public final class VirtqueueBrokenException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int queueIndex;

    public VirtqueueBrokenException(int queueIndex, String detail) {
        super("virtqueue " + queueIndex + ": " + detail);
        this.queueIndex = queueIndex;
    }

    public int queueIndex() {
        return queueIndex;
    }
}
