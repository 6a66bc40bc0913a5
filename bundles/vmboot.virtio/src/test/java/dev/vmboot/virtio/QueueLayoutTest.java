package dev.vmboot.virtio;

import static dev.vmboot.virtio.TestRings.EVENT_IDX;
import static dev.vmboot.virtio.TestRings.HIGH_RAM;
import static dev.vmboot.virtio.TestRings.LOW_RAM_END;
import static dev.vmboot.virtio.TestRings.ROM;
import static dev.vmboot.virtio.TestRings.VERSION_1;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.vmboot.memory.RegionGuestMemory;
import dev.vmboot.testkit.MockDriverQueue;
import dev.vmboot.virtio.InvalidQueueLayoutException.Kind;

/**
 * What the transport gets when the driver enables a queue (virtio 1.2, 2.7 "Split Virtqueues": the queue size and the
 * table of alignments and sizes; 2.7.1 "The driver MUST ensure that the physical address of the first byte of each
 * virtqueue part is a multiple of the specified alignment value"). Each refusal is followed by a good layout in the
 * same memory, which still makes a queue that serves.
 */
class QueueLayoutTest {

    private final RegionGuestMemory memory = TestRings.memory();
    private static final QueueLayout GOOD = new QueueLayout(16, 0x1000, 0x2000, 0x3000);

    private Kind refusal(QueueLayout layout, long features) {
        InvalidQueueLayoutException e = assertThrows(InvalidQueueLayoutException.class,
                () -> SplitVirtqueue.create(0, layout, memory, features));
        assertSame(layout, e.layout());
        // the same answer without building a queue
        assertEquals(e.kind(), assertThrows(InvalidQueueLayoutException.class,
                () -> layout.check(memory, features)).kind());
        return e.kind();
    }

    /** After a refusal the transport can still enable a good queue in the same memory, and it serves. */
    private void assertAGoodQueueStillServes() throws Exception {
        MockDriverQueue driver = MockDriverQueue.at(memory, 8, 0x4000);
        SplitVirtqueue queue = SplitVirtqueue.create(1, TestRings.layoutOf(driver), memory, VERSION_1);
        int head = driver.addChain(MockDriverQueue.Buffer.readable(0x10000, 8));
        driver.publish();
        assertEquals(head, queue.pop().orElseThrow().headIndex());
    }

    @ParameterizedTest
    @ValueSource(ints = { 0, 3, 6, 100, 255, 32767, -16 })
    void queueSizeNotAPowerOfTwoIsRefused(int size) throws Exception {
        assertEquals(Kind.SIZE, refusal(new QueueLayout(size, 0x1000, 0x2000, 0x3000), VERSION_1));
        assertAGoodQueueStillServes();
    }

    @ParameterizedTest
    @ValueSource(ints = { 65536, 1 << 30, Integer.MIN_VALUE })
    void queueSizeAbove32768IsRefused(int size) throws Exception {
        assertEquals(Kind.SIZE, refusal(new QueueLayout(size, 0x1000, 0x2000, 0x3000), VERSION_1));
        assertAGoodQueueStillServes();
    }

    @ParameterizedTest
    @ValueSource(ints = { 1, 2, 256, 32768 })
    void everyPowerOfTwoUpTo32768IsAccepted(int size) throws Exception {
        long table = 0x10000;
        long avail = table + 16L * size;
        long used = HIGH_RAM;
        SplitVirtqueue queue = SplitVirtqueue.create(3, new QueueLayout(size, table, avail, used), memory, EVENT_IDX);
        assertEquals(size, queue.size());
        assertEquals(3, queue.index());
        assertEquals(0, queue.nextAvailIndex());
        assertEquals(0, queue.nextUsedIndex());
    }

    @ParameterizedTest
    @ValueSource(longs = { 0x1008, 0x1002, 0x1001, 0x100C })
    void descriptorTableNotSixteenAlignedIsRefused(long table) throws Exception {
        assertEquals(Kind.DESCRIPTOR_TABLE_ALIGNMENT, refusal(new QueueLayout(16, table, 0x2000, 0x3000), 0));
        assertAGoodQueueStillServes();
    }

    @Test
    void availableRingNotTwoAlignedIsRefused() throws Exception {
        assertEquals(Kind.AVAILABLE_RING_ALIGNMENT, refusal(new QueueLayout(16, 0x1000, 0x2001, 0x3000), 0));
        assertDoesNotThrow(() -> new QueueLayout(16, 0x1000, 0x2002, 0x3000).check(memory, 0));
        assertAGoodQueueStillServes();
    }

    @ParameterizedTest
    @ValueSource(longs = { 0x3002, 0x3001, 0x3003 })
    void usedRingNotFourAlignedIsRefused(long used) throws Exception {
        assertEquals(Kind.USED_RING_ALIGNMENT, refusal(new QueueLayout(16, 0x1000, 0x2000, used), 0));
        assertDoesNotThrow(() -> new QueueLayout(16, 0x1000, 0x2000, 0x3004).check(memory, 0));
        assertAGoodQueueStillServes();
    }

    @Test
    void descriptorTableOutsideRamIsRefused() throws Exception {
        // in the gap, past the end of the last region, wrapping round 2^64, and across the two adjacent RAM regions
        for (long table : new long[] { 3L << 20, ROM + (64 << 10), -256L, LOW_RAM_END - 128 }) {
            assertEquals(Kind.DESCRIPTOR_TABLE_ADDRESS, refusal(new QueueLayout(16, table, 0x2000, 0x3000), 0),
                    Long.toHexString(table));
        }
        assertAGoodQueueStillServes();
    }

    @Test
    void availableRingOutsideRamIsRefused() throws Exception {
        for (long avail : new long[] { 3L << 20, LOW_RAM_END - 16, -2L }) {
            assertEquals(Kind.AVAILABLE_RING_ADDRESS, refusal(new QueueLayout(16, 0x1000, avail, 0x3000), 0),
                    Long.toHexString(avail));
        }
        assertAGoodQueueStillServes();
    }

    @Test
    void usedRingOutsideRamIsRefused() throws Exception {
        for (long used : new long[] { 3L << 20, LOW_RAM_END - 64, 0x8000_0000_0000_0000L }) {
            assertEquals(Kind.USED_RING_ADDRESS, refusal(new QueueLayout(16, 0x1000, 0x2000, used), 0),
                    Long.toHexString(used));
        }
        assertAGoodQueueStillServes();
    }

    @Test
    void usedRingInReadOnlyMemoryIsRefused() throws Exception {
        assertEquals(Kind.USED_RING_ADDRESS, refusal(new QueueLayout(16, 0x1000, 0x2000, ROM), 0));
        assertAGoodQueueStillServes();
    }

    @Test
    void descriptorTableAndAvailableRingMayBeReadOnly() {
        // the device only reads them
        assertDoesNotThrow(() -> SplitVirtqueue.create(0, new QueueLayout(16, ROM, ROM + 0x1000, 0x3000), memory,
                EVENT_IDX));
    }

    @Test
    void eventIdxFieldsMustBeInRamToo() throws Exception {
        // each ring ends exactly at the end of low RAM without its trailing event field
        int size = 16;
        QueueLayout availAtEnd = new QueueLayout(size, 0x1000, LOW_RAM_END - (4 + 2 * size), 0x3000);
        QueueLayout usedAtEnd = new QueueLayout(size, 0x1000, 0x2000, LOW_RAM_END - (4 + 8 * size));
        assertDoesNotThrow(() -> availAtEnd.check(memory, VERSION_1));
        assertDoesNotThrow(() -> usedAtEnd.check(memory, VERSION_1));
        assertEquals(Kind.AVAILABLE_RING_ADDRESS, refusal(availAtEnd, VERSION_1 | EVENT_IDX));
        assertEquals(Kind.USED_RING_ADDRESS, refusal(usedAtEnd, VERSION_1 | EVENT_IDX));
        assertAGoodQueueStillServes();
    }

    @Test
    void sizesFollowTheSpecTable() {
        QueueLayout layout = new QueueLayout(256, 0, 0, 0);
        assertEquals(16 * 256, layout.descriptorTableBytes());
        assertEquals(6 + 2 * 256, layout.availableRingBytes(true));
        assertEquals(4 + 2 * 256, layout.availableRingBytes(false));
        assertEquals(6 + 8 * 256, layout.usedRingBytes(true));
        assertEquals(4 + 8 * 256, layout.usedRingBytes(false));
    }

    @Test
    void aNegativeQueueIndexIsAProgrammingError() {
        assertThrows(IllegalArgumentException.class, () -> SplitVirtqueue.create(-1, GOOD, memory, 0));
    }
}
