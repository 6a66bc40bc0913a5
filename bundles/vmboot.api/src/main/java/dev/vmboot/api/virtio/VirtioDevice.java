package dev.vmboot.api.virtio;

import org.osgi.annotation.versioning.ConsumerType;

import dev.vmboot.api.memory.GuestMemory;

/**
 * A virtio device back-end (virtio 1.2, section 5), independent of the transport (PCI or MMIO) that carries it.
 */
@ConsumerType
public interface VirtioDevice extends AutoCloseable {

    /** Device ID, virtio 1.2 section 5 (2 = block, 1 = network, 4 = entropy). */
    int deviceId();

    /** Feature bits offered (VIRTIO_F_VERSION_1, bit 32, is added by the transport). */
    long features();

    /** Maximum size of each virtqueue; the array's length is the number of queues. */
    int[] queueSizes();

    /** Device-specific configuration space, read at {@code offset}. */
    int readConfig(int offset, int size);

    /** Device-specific configuration space write. */
    void writeConfig(int offset, int size, int value);

    /**
     * The driver set DRIVER_OK: start serving queues. {@code notifier} is how the device signals used buffers.
     */
    void activate(long negotiatedFeatures, GuestMemory memory, VirtqueueAccess queues, Runnable notifier);

    /** The driver kicked queue {@code index}. */
    void queueNotify(int index);

    /** Device reset by the driver: forget queues, stop work. */
    void reset();

    @Override
    void close();
}
