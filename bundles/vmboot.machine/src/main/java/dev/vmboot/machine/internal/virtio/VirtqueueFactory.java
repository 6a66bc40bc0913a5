package dev.vmboot.machine.internal.virtio;

import dev.vmboot.api.memory.GuestMemory;
import dev.vmboot.api.virtio.Virtqueue;

/** Makes the queue a device gets from the addresses and size the driver programmed (the shared library's). */
@FunctionalInterface
public interface VirtqueueFactory {

    /**
     * @throws IllegalArgumentException if the driver's layout cannot be used (size, alignment, outside RAM), with why
     */
    Virtqueue create(int index, QueueRegisters registers, GuestMemory memory, long features);
}
