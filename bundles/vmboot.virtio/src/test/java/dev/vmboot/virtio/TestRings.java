package dev.vmboot.virtio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;

import dev.vmboot.api.memory.MemoryRegion;
import dev.vmboot.api.virtio.Descriptor;
import dev.vmboot.api.virtio.DescriptorChain;
import dev.vmboot.api.virtio.InvalidChainException;
import dev.vmboot.api.virtio.VirtioFeatures;
import dev.vmboot.api.virtio.VirtqueueBrokenException;
import dev.vmboot.memory.RegionGuestMemory;
import dev.vmboot.testkit.MockDriverQueue;
import dev.vmboot.testkit.MockDriverQueue.Buffer;

/**
 * The guest the queue tests share: two adjacent RAM regions, a gap, a ROM, a driver queue at {@link #QUEUE_BASE} and
 * the device queue over it. One per test; every test may break it.
 * <pre>
 * [0, 1 MiB)              RAM (low): rings at 0x1000, indirect tables from 0x8000, buffers from 0x10000
 * [1 MiB, 3 MiB)          RAM (high), adjacent: a buffer may not span the boundary
 * [3 MiB, 4 MiB)          nothing
 * [4 MiB, 4 MiB + 64 KiB) ROM (read-only)
 * </pre>
 */
final class TestRings {

    static final long LOW_RAM_END = 1L << 20;
    static final long HIGH_RAM = 1L << 20;
    static final long HIGH_RAM_END = 3L << 20;
    static final long ROM = 4L << 20;
    static final long ROM_SIZE = 64 << 10;

    static final long QUEUE_BASE = 0x1000;
    static final long TABLES = 0x8000;
    static final long BUFFERS = 0x10000;

    static final long INDIRECT = VirtioFeatures.bit(VirtioFeatures.RING_INDIRECT_DESC);
    static final long EVENT_IDX = VirtioFeatures.bit(VirtioFeatures.RING_EVENT_IDX);
    static final long VERSION_1 = VirtioFeatures.bit(VirtioFeatures.VERSION_1);

    final RegionGuestMemory memory = memory();
    final MockDriverQueue driver;
    final SplitVirtqueue queue;

    TestRings(int size, long features) {
        driver = MockDriverQueue.at(memory, size, QUEUE_BASE);
        try {
            queue = SplitVirtqueue.create(0, layoutOf(driver), memory, features);
        } catch (InvalidQueueLayoutException e) {
            throw new AssertionError(e);
        }
    }

    static RegionGuestMemory memory() {
        return RegionGuestMemory.onHeap(new MemoryRegion(0, LOW_RAM_END, false),
                new MemoryRegion(HIGH_RAM, HIGH_RAM_END - HIGH_RAM, false), new MemoryRegion(ROM, ROM_SIZE, true));
    }

    static QueueLayout layoutOf(MockDriverQueue driver) {
        return new QueueLayout(driver.size(), driver.descriptorTable(), driver.availableRing(), driver.usedRing());
    }

    /** Pops one chain, failing the test if there is none. */
    DescriptorChain popChain() throws InvalidChainException, VirtqueueBrokenException {
        Optional<DescriptorChain> chain = queue.pop();
        assertTrue(chain.isPresent(), "a chain is available");
        return chain.get();
    }

    /**
     * The hostile-guest rule: after whatever the test did, the driver offers one valid chain (a readable and a
     * writable buffer) and the queue serves it, its descriptors exactly as offered, and returns it.
     */
    void assertNextGoodChainIsServed() throws InvalidChainException, VirtqueueBrokenException {
        Buffer in = Buffer.readable(BUFFERS + 0x8000, 64);
        Buffer out = Buffer.writable(BUFFERS + 0x9000, 16);
        int head = driver.addChain(in, out);
        driver.publish();
        driver.takeUsed();
        DescriptorChain chain = popChain();
        assertEquals(head, chain.headIndex());
        assertEquals(List.of(new Descriptor(in.address(), 64, false)), chain.readable());
        assertEquals(List.of(new Descriptor(out.address(), 16, true)), chain.writable());
        chain.write(0, ByteBuffer.wrap(new byte[] { 1, 2, 3, 4 }));
        queue.addUsed(head, 4);
        assertEquals(List.of(new MockDriverQueue.UsedElement(head, 4)), driver.takeUsed());
        assertEquals(1, memory.readByte(out.address()));
    }
}
