package dev.vmboot.virtio.rng.internal;

import java.util.Arrays;

import dev.vmboot.api.memory.MemoryRegion;
import dev.vmboot.api.virtio.VirtioFeatures;
import dev.vmboot.memory.RegionGuestMemory;
import dev.vmboot.testkit.MockDriverQueue;
import dev.vmboot.testkit.MockDriverQueue.Buffer;
import dev.vmboot.virtio.InvalidQueueLayoutException;
import dev.vmboot.virtio.QueueLayout;
import dev.vmboot.virtio.SplitVirtqueue;

/**
 * A guest's request queue for the entropy device's tests: 1 MiB of heap RAM, the driver's side at 0x1000
 * ({@link MockDriverQueue}), the device's {@link SplitVirtqueue} over it, buffers from 0x10000 on.
 */
final class QueueBed {
    static final long RAM = 1L << 20;
    static final long QUEUE_BASE = 0x1000;
    static final long BUFFERS = 0x10000;
    /** What a buffer holds before the device writes it. */
    static final byte UNWRITTEN = (byte) 0xEE;

    final RegionGuestMemory memory = RegionGuestMemory.onHeap(new MemoryRegion(0, RAM, false));
    final MockDriverQueue driver;
    final SplitVirtqueue queue;
    private long next = BUFFERS;

    QueueBed(int size) {
        driver = MockDriverQueue.at(memory, size, QUEUE_BASE);
        try {
            queue = SplitVirtqueue.create(0, new QueueLayout(size, driver.descriptorTable(), driver.availableRing(),
                    driver.usedRing()), memory, VirtioFeatures.bit(VirtioFeatures.VERSION_1));
        } catch (InvalidQueueLayoutException e) {
            throw new AssertionError(e);
        }
    }

    /** A writable buffer of {@code length} bytes, each {@link #UNWRITTEN}. */
    Buffer writable(int length) {
        return Buffer.writable(allocate(length), length);
    }

    /** A readable buffer of {@code length} bytes. */
    Buffer readable(int length) {
        return Buffer.readable(allocate(length), length);
    }

    /** Offers one chain of {@code buffers} and publishes it; returns its head. */
    int submit(Buffer... buffers) {
        int head = driver.addChain(buffers);
        driver.publish();
        return head;
    }

    /** Whether a buffer of {@code length} bytes still fits in the test RAM. */
    boolean hasRoom(int length) {
        return ((next + length + 7) & ~7L) <= RAM;
    }

    byte[] bytes(Buffer b) {
        byte[] out = new byte[b.length()];
        memory.read(b.address(), out, 0, out.length);
        return out;
    }

    private long allocate(int length) {
        long at = next;
        next = (at + length + 7) & ~7L;
        if (next > RAM) {
            throw new IllegalStateException("test RAM used up");
        }
        byte[] fill = new byte[length];
        Arrays.fill(fill, UNWRITTEN);
        memory.write(at, fill);
        return at;
    }
}
