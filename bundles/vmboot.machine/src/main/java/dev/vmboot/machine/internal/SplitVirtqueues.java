package dev.vmboot.machine.internal;

import dev.vmboot.api.memory.GuestMemory;
import dev.vmboot.api.virtio.Virtqueue;
import dev.vmboot.machine.internal.virtio.QueueRegisters;
import dev.vmboot.virtio.InvalidQueueLayoutException;
import dev.vmboot.virtio.QueueLayout;
import dev.vmboot.virtio.SplitVirtqueue;

/** The transport's queues: the shared split-virtqueue library's, over what the driver programmed. */
final class SplitVirtqueues {
    private SplitVirtqueues() {
    }

    /** @throws IllegalArgumentException naming the broken rule, when the layout cannot be used */
    static Virtqueue create(int index, QueueRegisters registers, GuestMemory memory, long features) {
        QueueLayout layout = new QueueLayout(registers.size(), registers.descriptors(), registers.driverArea(),
                registers.deviceArea());
        try {
            return SplitVirtqueue.create(index, layout, memory, features);
        } catch (InvalidQueueLayoutException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
