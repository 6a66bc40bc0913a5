package dev.vmboot.virtio;

import static dev.vmboot.virtio.TestRings.BUFFERS;
import static dev.vmboot.virtio.TestRings.VERSION_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.vmboot.api.memory.MemoryRegion;
import dev.vmboot.api.virtio.Descriptor;
import dev.vmboot.api.virtio.DescriptorChain;
import dev.vmboot.api.virtio.VirtqueueBrokenException;
import dev.vmboot.memory.RegionGuestMemory;
import dev.vmboot.testkit.MockDriverQueue;
import dev.vmboot.testkit.MockDriverQueue.Buffer;
import dev.vmboot.testkit.MockDriverQueue.RawDescriptor;
import dev.vmboot.testkit.MockDriverQueue.UsedElement;

/** The available and used rings (virtio 1.2, 2.7.6, 2.7.8, 2.7.13) as a device sees them through {@link SplitVirtqueue}. */
class SplitVirtqueueTest {

    private static final int SIZE = 8;

    private final TestRings rings = new TestRings(SIZE, VERSION_1);
    private final MockDriverQueue driver = rings.driver;
    private final SplitVirtqueue queue = rings.queue;

    @Test
    void anEmptyRingPopsNothing() throws Exception {
        assertTrue(queue.pop().isEmpty());
        assertEquals(0, queue.nextAvailIndex());
        driver.addChain(Buffer.readable(BUFFERS, 8));
        assertTrue(queue.pop().isEmpty(), "offered but not yet published");
    }

    /** 2.7.13: chains come out in available-ring order, each walked to its end. */
    @Test
    void chainsArePoppedInRingOrder() throws Exception {
        int a = driver.addChain(Buffer.readable(BUFFERS, 8), Buffer.writable(BUFFERS + 0x100, 4));
        int b = driver.addChain(Buffer.writable(BUFFERS + 0x200, 512));
        driver.publish();
        DescriptorChain first = rings.popChain();
        DescriptorChain second = rings.popChain();
        assertTrue(queue.pop().isEmpty());
        assertEquals(a, first.headIndex());
        assertEquals(List.of(new Descriptor(BUFFERS, 8, false)), first.readable());
        assertEquals(List.of(new Descriptor(BUFFERS + 0x100, 4, true)), first.writable());
        assertEquals(b, second.headIndex());
        assertEquals(List.of(), second.readable());
        assertEquals(512, second.writableBytes());
        assertEquals(2, queue.nextAvailIndex());
    }

    /** 2.7.8.2 "The device MUST set len prior to updating the used idx": element first, then the index. */
    @Test
    void addUsedWritesTheElementThenPublishesTheIndex() throws Exception {
        int head = driver.addChain(Buffer.writable(BUFFERS, 64));
        driver.publish();
        rings.popChain();
        queue.addUsed(head, 64);
        assertEquals(1, driver.usedIndex());
        assertEquals(new UsedElement(head, 64), driver.usedElement(0));
        queue.addUsed(head, 0xFFFF_FFFFL);
        assertEquals(new UsedElement(head, 0xFFFF_FFFFL), driver.usedElement(1));
        assertEquals(2, queue.nextUsedIndex());
    }

    /** 5.1.6.4.2: a packet over several buffers is published whole; a bad element stores none of them. */
    @Test
    void addUsedTogetherPublishesTheIndexOnceAndChecksEveryElementFirst() throws Exception {
        int a = driver.addChain(Buffer.writable(BUFFERS, 64));
        int b = driver.addChain(Buffer.writable(BUFFERS + 0x100, 64));
        driver.publish();
        rings.popChain();
        rings.popChain();
        assertThrows(IllegalArgumentException.class,
                () -> queue.addUsed(new int[] { a, SIZE }, new long[] { 64, 10 }, 2));
        assertThrows(IllegalArgumentException.class, () -> queue.addUsed(new int[] { a }, new long[] { 64 }, 2));
        assertEquals(0, queue.nextUsedIndex(), "nothing stored");
        assertEquals(0, driver.usedIndex(), "nothing published");
        queue.addUsed(new int[] { a, b, 7 }, new long[] { 64, 10, 99 }, 2);
        assertEquals(2, driver.usedIndex());
        assertEquals(List.of(new UsedElement(a, 64), new UsedElement(b, 10)), driver.takeUsed());
        assertTrue(queue.needsNotification(), "two elements added since the last check");
    }

    @Test
    void addUsedRefusesAHeadOutsideTheQueueAndALengthOutside32Bits() {
        assertThrows(IllegalArgumentException.class, () -> queue.addUsed(SIZE, 0));
        assertThrows(IllegalArgumentException.class, () -> queue.addUsed(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> queue.addUsed(0, 1L << 32));
        assertThrows(IllegalArgumentException.class, () -> queue.addUsed(0, -1));
        assertEquals(0, driver.usedIndex(), "nothing was published");
    }

    /**
     * 2.7.6 and 2.7.13.3: the available index runs at most a queue size ahead of the device (each entry is a chain
     * the driver offered once); one that runs further cannot be a real ring, and the queue stays broken.
     */
    @Test
    void availIndexThatJumpsMoreThanTheQueueSizeBreaksTheQueue() throws Exception {
        driver.setAvailIndex(SIZE + 1);
        assertThrows(VirtqueueBrokenException.class, queue::pop);
        assertTrue(queue.isBroken());
        // the driver cannot repair it by writing a sane index: only a reset does
        driver.setAvailIndex(0);
        VirtqueueBrokenException again = assertThrows(VirtqueueBrokenException.class, queue::pop);
        assertEquals(0, again.queueIndex());
        assertFalse(queue.enableNotification(), "a broken queue has nothing to serve");
        // the device reset discards the queue; the new one, over the same rings, serves again
        TestRings reset = new TestRings(SIZE, VERSION_1);
        reset.assertNextGoodChainIsServed();
    }

    @Test
    void availIndexThatRunsBackwardsBreaksTheQueue() throws Exception {
        driver.addChain(Buffer.readable(BUFFERS, 8));
        driver.publish();
        rings.popChain();
        driver.setAvailIndex(0); // 2.7.6.1 "A driver MUST NOT decrement the available idx": 0xFFFF ahead
        assertThrows(VirtqueueBrokenException.class, queue::pop);
        assertTrue(queue.isBroken());
    }

    /** Exactly a queue size ahead is a full ring, not a broken one. */
    @Test
    void aFullRingIsServed() throws Exception {
        for (int i = 0; i < SIZE; i++) {
            driver.addChain(Buffer.readable(BUFFERS + 16 * i, 16));
        }
        driver.publish();
        for (int i = 0; i < SIZE; i++) {
            queue.addUsed(rings.popChain().headIndex(), 0);
        }
        assertTrue(queue.pop().isEmpty());
        assertEquals(SIZE, driver.takeUsed().size());
        rings.assertNextGoodChainIsServed();
    }

    /** 2.7.6: "idx ... starts at 0, and increases", wrapping at 2^16; ring entries are taken modulo the size. */
    @Test
    void wrapAroundAt65536KeepsServing() throws Exception {
        int served = 0;
        while (served < 65536 + 3 * SIZE) {
            int batch = 1 + served % (SIZE / 2); // two descriptors a chain, at most SIZE in flight
            int[] heads = new int[batch];
            for (int i = 0; i < batch; i++) {
                heads[i] = driver.addChain(Buffer.readable(BUFFERS + 8 * i, 8), Buffer.writable(BUFFERS + 0x800, 2));
            }
            driver.publish();
            for (int i = 0; i < batch; i++) {
                DescriptorChain chain = rings.popChain();
                assertEquals(heads[i], chain.headIndex());
                assertEquals(BUFFERS + 8 * i, chain.readable().get(0).address());
                queue.addUsed(chain.headIndex(), i);
            }
            assertTrue(queue.pop().isEmpty());
            List<UsedElement> used = driver.takeUsed();
            for (int i = 0; i < batch; i++) {
                assertEquals(new UsedElement(heads[i], i), used.get(i));
            }
            served += batch;
        }
        assertEquals(served & 0xFFFF, queue.nextAvailIndex());
        assertEquals(served & 0xFFFF, queue.nextUsedIndex());
        assertEquals(served & 0xFFFF, driver.usedIndex());
        assertTrue(served > 65536);
    }

    /**
     * The threat model of {@code dev.vmboot.api.virtio}: each descriptor is read once and the copy checked; a driver
     * that rewrites the table after the device popped the chain changes neither the chain nor where its accessors go.
     */
    @Test
    void theDescriptorCopyIsTakenOnce() throws Exception {
        int head = driver.addChain(Buffer.readable(BUFFERS, 4), Buffer.writable(BUFFERS + 0x100, 4));
        driver.publish();
        rings.memory.write(BUFFERS, new byte[] { 10, 11, 12, 13 });
        DescriptorChain chain = rings.popChain();
        int next = driver.descriptor(head).next();
        driver.writeDescriptor(head, new RawDescriptor(TestRings.ROM, 1 << 20, MockDriverQueue.F_WRITE, 0));
        driver.writeDescriptor(next, new RawDescriptor(-4096, -1, MockDriverQueue.F_NEXT, next));
        assertEquals(List.of(new Descriptor(BUFFERS, 4, false)), chain.readable());
        assertEquals(List.of(new Descriptor(BUFFERS + 0x100, 4, true)), chain.writable());
        ByteBuffer in = ByteBuffer.allocate(4);
        chain.read(0, in);
        assertEquals(List.of((byte) 10, (byte) 11, (byte) 12, (byte) 13),
                List.of(in.get(0), in.get(1), in.get(2), in.get(3)));
        chain.write(0, ByteBuffer.wrap(new byte[] { 7, 7, 7, 7 }));
        assertEquals(0x07070707, rings.memory.readInt(BUFFERS + 0x100));
    }

    /** The queue reaches guest memory only through GuestMemory; if that memory goes away the queue breaks, nothing else. */
    @Test
    void memoryUnmappedUnderTheQueueBreaksIt() throws Exception {
        RegionGuestMemory memory = RegionGuestMemory.onHeap(new MemoryRegion(0, 1 << 20, false));
        MockDriverQueue d = MockDriverQueue.at(memory, SIZE, 0x1000);
        SplitVirtqueue q = SplitVirtqueue.create(0, TestRings.layoutOf(d), memory, VERSION_1);
        d.addChain(Buffer.readable(BUFFERS, 8));
        d.publish();
        memory.unmapAll();
        assertThrows(VirtqueueBrokenException.class, q::pop);
        assertTrue(q.isBroken());
    }
}
