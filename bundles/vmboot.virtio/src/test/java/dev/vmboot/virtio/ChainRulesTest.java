package dev.vmboot.virtio;

import static dev.vmboot.testkit.MockDriverQueue.F_INDIRECT;
import static dev.vmboot.testkit.MockDriverQueue.F_NEXT;
import static dev.vmboot.testkit.MockDriverQueue.F_WRITE;
import static dev.vmboot.virtio.TestRings.BUFFERS;
import static dev.vmboot.virtio.TestRings.HIGH_RAM;
import static dev.vmboot.virtio.TestRings.HIGH_RAM_END;
import static dev.vmboot.virtio.TestRings.INDIRECT;
import static dev.vmboot.virtio.TestRings.LOW_RAM_END;
import static dev.vmboot.virtio.TestRings.ROM;
import static dev.vmboot.virtio.TestRings.TABLES;
import static dev.vmboot.virtio.TestRings.VERSION_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.vmboot.api.virtio.Descriptor;
import dev.vmboot.api.virtio.DescriptorChain;
import dev.vmboot.api.virtio.InvalidChainException;
import dev.vmboot.api.virtio.InvalidChainException.Kind;
import dev.vmboot.testkit.MockDriverQueue.Buffer;
import dev.vmboot.testkit.MockDriverQueue.RawDescriptor;
import dev.vmboot.testkit.MockDriverQueue.UsedElement;

/**
 * The descriptor chain rules of virtio 1.2, 2.7.4 and 2.7.5 against a hostile driver: each bad chain is refused with
 * the rule's {@link Kind}, consumes its available entry, goes back to the driver with length 0, and the queue then
 * serves the next good chain.
 */
class ChainRulesTest {

    private static final int SIZE = 16;

    private final TestRings rings = new TestRings(SIZE, VERSION_1 | INDIRECT);

    /** Makes the chain at {@code head} available, pops it and returns the refusal, giving the head back as a device does. */
    private Kind refusal(int head) throws Exception {
        rings.driver.offer(head);
        rings.driver.publish();
        InvalidChainException e = assertThrows(InvalidChainException.class, rings.queue::pop);
        assertEquals(head, e.headIndex());
        if (e.headIndex() < rings.queue.size()) {
            rings.queue.addUsed(e.headIndex(), 0);
            assertEquals(List.of(new UsedElement(head, 0)), rings.driver.takeUsed());
        }
        assertEquals(rings.driver.availIndex(), rings.queue.nextAvailIndex(), "the bad entry was consumed");
        return e.kind();
    }

    private static RawDescriptor readable(long address, int length, int next) {
        return new RawDescriptor(address, length, next < 0 ? 0 : F_NEXT, Math.max(next, 0));
    }

    private static RawDescriptor writable(long address, int length, int next) {
        return new RawDescriptor(address, length, F_WRITE | (next < 0 ? 0 : F_NEXT), Math.max(next, 0));
    }

    // ---- 2.7.5: indices -------------------------------------------------------------------------------------

    /** 2.7.5: the available ring entry names a descriptor; one not below the queue size names none. */
    @Test
    void headIndexNotBelowTheQueueSizeIsRefused() throws Exception {
        assertEquals(Kind.INDEX, refusal(SIZE));
        assertEquals(Kind.INDEX, refusal(0xFFFF));
        rings.assertNextGoodChainIsServed();
    }

    /** 2.7.5: next is an index into the same table. */
    @Test
    void nextNotBelowTheQueueSizeIsRefused() throws Exception {
        rings.driver.writeDescriptor(3, readable(BUFFERS, 8, SIZE));
        assertEquals(Kind.INDEX, refusal(3));
        rings.assertNextGoodChainIsServed();
    }

    // ---- 2.7.5.2: loops ----------------------------------------------------------------------------------------

    /** 2.7.5.2 "this implies that loops in the descriptor chain are forbidden". */
    @Test
    void aLoopInTheChainIsRefused() throws Exception {
        rings.driver.writeDescriptor(0, readable(BUFFERS, 8, 1));
        rings.driver.writeDescriptor(1, readable(BUFFERS, 8, 2));
        rings.driver.writeDescriptor(2, readable(BUFFERS, 8, 0));
        assertEquals(Kind.LOOP, refusal(0));
        rings.driver.writeDescriptor(5, readable(BUFFERS, 8, 5));
        assertEquals(Kind.LOOP, refusal(5));
        rings.assertNextGoodChainIsServed();
    }

    /** A chain may use every descriptor of the table once: exactly the queue size is no loop. */
    @Test
    void aChainOfExactlyTheQueueSizeIsServed() throws Exception {
        Buffer[] buffers = new Buffer[SIZE];
        for (int i = 0; i < SIZE; i++) {
            buffers[i] = i < SIZE / 2 ? Buffer.readable(BUFFERS + 16 * i, 16) : Buffer.writable(BUFFERS + 16 * i, 16);
        }
        int head = rings.driver.addChain(buffers);
        rings.driver.publish();
        DescriptorChain chain = rings.popChain();
        assertEquals(head, chain.headIndex());
        assertEquals(SIZE / 2, chain.readable().size());
        assertEquals(SIZE / 2, chain.writable().size());
        assertEquals(16 * SIZE / 2, chain.readableBytes());
    }

    // ---- 2.7.5.3: indirect descriptors -----------------------------------------------------------------------

    /** 2.7.5.3.1 "The driver MUST NOT set the VIRTQ_DESC_F_INDIRECT flag unless the VIRTIO_F_INDIRECT_DESC feature was negotiated". */
    @Test
    void indirectWithoutTheFeatureIsRefused() throws Exception {
        TestRings plain = new TestRings(SIZE, VERSION_1);
        int head = plain.driver.addIndirectChain(TABLES, Buffer.readable(BUFFERS, 8));
        plain.driver.publish();
        assertEquals(Kind.INDIRECT, assertThrows(InvalidChainException.class, plain.queue::pop).kind());
        plain.queue.addUsed(head, 0);
        plain.assertNextGoodChainIsServed();
    }

    /** 2.7.5.3.1 "The driver MUST NOT set the VIRTQ_DESC_F_INDIRECT flag within an indirect descriptor". */
    @Test
    void indirectInsideIndirectIsRefused() throws Exception {
        rings.driver.writeTable(TABLES + 0x100, readable(BUFFERS, 8, -1));
        rings.driver.writeTable(TABLES, readable(BUFFERS, 8, 1), new RawDescriptor(TABLES + 0x100, 16, F_INDIRECT, 0));
        rings.driver.writeDescriptor(4, new RawDescriptor(TABLES, 32, F_INDIRECT, 0));
        assertEquals(Kind.INDIRECT, refusal(4));
        rings.assertNextGoodChainIsServed();
    }

    /** 2.7.5.3.1 "A driver MUST NOT set both VIRTQ_DESC_F_INDIRECT and VIRTQ_DESC_F_NEXT in flags". */
    @Test
    void indirectWithNextIsRefused() throws Exception {
        rings.driver.writeTable(TABLES, readable(BUFFERS, 8, -1));
        rings.driver.writeDescriptor(4, new RawDescriptor(TABLES, 16, F_INDIRECT | F_NEXT, 5));
        rings.driver.writeDescriptor(5, readable(BUFFERS, 8, -1));
        assertEquals(Kind.INDIRECT, refusal(4));
        rings.assertNextGoodChainIsServed();
    }

    /** 2.7.5.3: the table holds len / 16 descriptors; a length that is not a whole number of them, or none, is no table. */
    @Test
    void indirectTableLengthNotAMultipleOf16IsRefused() throws Exception {
        rings.driver.writeTable(TABLES, readable(BUFFERS, 8, 1), readable(BUFFERS, 8, -1));
        for (int length : new int[] { 24, 15, 1, 33 }) {
            rings.driver.writeDescriptor(4, new RawDescriptor(TABLES, length, F_INDIRECT, 0));
            assertEquals(Kind.INDIRECT, refusal(4), "length " + length);
        }
        rings.assertNextGoodChainIsServed();
    }

    @Test
    void indirectTableOfZeroLengthIsRefused() throws Exception {
        rings.driver.writeDescriptor(4, new RawDescriptor(TABLES, 0, F_INDIRECT, 0));
        assertEquals(Kind.INDIRECT, refusal(4));
        rings.assertNextGoodChainIsServed();
    }

    @Test
    void indirectTableOutsideRamIsRefused() throws Exception {
        // in the gap, across the two RAM regions, wrapping round 2^64
        for (long table : new long[] { 3L << 20, LOW_RAM_END - 16, -16L }) {
            rings.driver.writeDescriptor(4, new RawDescriptor(table, 32, F_INDIRECT, 0));
            assertEquals(Kind.INDIRECT, refusal(4), Long.toHexString(table));
        }
        rings.assertNextGoodChainIsServed();
    }

    /** next is 16 bits: a table of more than 65536 entries cannot be walked as a table. */
    @Test
    void indirectTableOfMoreThan65536EntriesIsRefused() throws Exception {
        rings.driver.writeTable(HIGH_RAM, readable(BUFFERS, 8, -1));
        rings.driver.writeDescriptor(4, new RawDescriptor(HIGH_RAM, 16 * 65537, F_INDIRECT, 0));
        assertEquals(Kind.INDIRECT, refusal(4));
        rings.driver.writeDescriptor(4, new RawDescriptor(HIGH_RAM, 16 * 65536, F_INDIRECT, 0));
        rings.driver.offer(4);
        rings.driver.publish();
        assertEquals(List.of(new Descriptor(BUFFERS, 8, false)), rings.popChain().readable());
        rings.queue.addUsed(4, 0);
        rings.assertNextGoodChainIsServed();
    }

    /** A loop inside an indirect table: bounded by the table's own entry count. */
    @Test
    void aLoopInsideAnIndirectTableIsRefused() throws Exception {
        rings.driver.writeTable(TABLES, readable(BUFFERS, 8, 1), readable(BUFFERS, 8, 2), readable(BUFFERS, 8, 1));
        rings.driver.writeDescriptor(4, new RawDescriptor(TABLES, 48, F_INDIRECT, 0));
        assertEquals(Kind.LOOP, refusal(4));
        rings.assertNextGoodChainIsServed();
    }

    /** Inside an indirect table next indexes that table: one not below its entry count is refused. */
    @Test
    void nextOutsideTheIndirectTableIsRefused() throws Exception {
        rings.driver.writeTable(TABLES, readable(BUFFERS, 8, 1), readable(BUFFERS, 8, 2));
        rings.driver.writeDescriptor(4, new RawDescriptor(TABLES, 32, F_INDIRECT, 0));
        assertEquals(Kind.INDEX, refusal(4));
        rings.assertNextGoodChainIsServed();
    }

    /**
     * 2.7.5.3.2 "The device MUST handle the case of zero or more normal chained descriptors followed by a single
     * descriptor with flags&VIRTQ_DESC_F_INDIRECT", and "MUST ignore the write-only flag" of that descriptor.
     */
    @Test
    void normalDescriptorsFollowedByAnIndirectTableAreServed() throws Exception {
        rings.driver.writeTable(TABLES, readable(BUFFERS + 0x100, 32, 1), writable(BUFFERS + 0x200, 64, -1));
        rings.driver.writeDescriptor(7, readable(BUFFERS, 16, 9));
        rings.driver.writeDescriptor(9, new RawDescriptor(TABLES, 32, F_INDIRECT | F_WRITE, 0));
        rings.driver.offer(7);
        rings.driver.publish();
        DescriptorChain chain = rings.popChain();
        assertEquals(7, chain.headIndex());
        assertEquals(List.of(new Descriptor(BUFFERS, 16, false), new Descriptor(BUFFERS + 0x100, 32, false)),
                chain.readable());
        assertEquals(List.of(new Descriptor(BUFFERS + 0x200, 64, true)), chain.writable());
        assertEquals(48, chain.readableBytes());
        assertEquals(64, chain.writableBytes());
    }

    // ---- 2.7.5.2: the length of a chain ------------------------------------------------------------------------

    /** 2.7.5.2 "Drivers MUST NOT add a descriptor chain longer than 2^32 bytes in total". */
    @Test
    void aChainOf4GiBOrMoreIsRefused() throws Exception {
        // 4096 readable MiB are 2^32 bytes: the same MiB of high RAM, over and over, from an indirect table
        int entries = 4096;
        RawDescriptor[] table = new RawDescriptor[entries];
        for (int i = 0; i < entries; i++) {
            table[i] = readable(HIGH_RAM, 1 << 20, i == entries - 1 ? -1 : i + 1);
        }
        rings.driver.writeTable(TABLES, table);
        rings.driver.writeDescriptor(4, new RawDescriptor(TABLES, 16 * entries, F_INDIRECT, 0));
        assertEquals(Kind.TOO_LONG, refusal(4));
        // one byte less is 2^32 - 1: the largest chain there is
        table[entries - 1] = readable(HIGH_RAM, (1 << 20) - 1, -1);
        rings.driver.writeTable(TABLES, table);
        rings.driver.offer(4);
        rings.driver.publish();
        assertEquals(0xFFFF_FFFFL, rings.popChain().readableBytes());
        rings.queue.addUsed(4, 0);
        rings.assertNextGoodChainIsServed();
    }

    @Test
    void aSingleBufferOf4GiBMinusOneIsNoOverflow() throws Exception {
        // the length field's maximum, checked as unsigned: not a negative length, but far past RAM
        rings.driver.writeDescriptor(2, readable(0, -1, -1));
        assertEquals(Kind.ADDRESS, refusal(2));
        rings.assertNextGoodChainIsServed();
    }

    // ---- buffers inside guest memory ----------------------------------------------------------------------------

    @Test
    void aBufferEndingPastRamIsRefused() throws Exception {
        rings.driver.writeDescriptor(2, readable(HIGH_RAM_END - 8, 16, -1));
        assertEquals(Kind.ADDRESS, refusal(2));
        rings.driver.writeDescriptor(2, readable(HIGH_RAM_END - 8, 8, -1));
        rings.driver.offer(2);
        rings.driver.publish();
        assertEquals(8, rings.popChain().readableBytes());
        rings.queue.addUsed(2, 0);
        rings.assertNextGoodChainIsServed();
    }

    @Test
    void aBufferWrappingPast2To64IsRefused() throws Exception {
        rings.driver.writeDescriptor(2, readable(0xFFFF_FFFF_FFFF_F000L, 0x2000, -1));
        assertEquals(Kind.ADDRESS, refusal(2));
        rings.driver.writeDescriptor(2, writable(-1L, 2, -1));
        assertEquals(Kind.ADDRESS, refusal(2));
        rings.assertNextGoodChainIsServed();
    }

    @Test
    void aBufferSpanningTwoRegionsIsRefused() throws Exception {
        rings.driver.writeDescriptor(2, readable(LOW_RAM_END - 8, 16, -1));
        assertEquals(Kind.ADDRESS, refusal(2));
        rings.assertNextGoodChainIsServed();
    }

    @Test
    void aBufferInNoRegionIsRefused() throws Exception {
        rings.driver.writeDescriptor(2, readable(3L << 20, 16, -1));
        assertEquals(Kind.ADDRESS, refusal(2));
        rings.driver.writeDescriptor(2, readable(3L << 20, 0, -1));
        assertEquals(Kind.ADDRESS, refusal(2), "a zero-length buffer still needs its address in RAM");
        rings.assertNextGoodChainIsServed();
    }

    @Test
    void aWritableBufferInReadOnlyMemoryIsRefused() throws Exception {
        rings.driver.writeDescriptor(2, readable(BUFFERS, 8, 3));
        rings.driver.writeDescriptor(3, writable(ROM, 16, -1));
        assertEquals(Kind.ADDRESS, refusal(2));
        rings.assertNextGoodChainIsServed();
    }

    @Test
    void aReadableBufferInReadOnlyMemoryIsServed() throws Exception {
        rings.driver.writeDescriptor(2, readable(ROM, 16, -1));
        rings.driver.offer(2);
        rings.driver.publish();
        assertEquals(List.of(new Descriptor(ROM, 16, false)), rings.popChain().readable());
    }

    /** A zero-length buffer is the device's business (blk refuses a 0-byte status), not the queue's. */
    @Test
    void zeroLengthBuffersAreServed() throws Exception {
        int head = rings.driver.addChain(Buffer.readable(BUFFERS, 0), Buffer.writable(BUFFERS + 0x100, 0));
        rings.driver.publish();
        DescriptorChain chain = rings.popChain();
        assertEquals(head, chain.headIndex());
        assertEquals(List.of(new Descriptor(BUFFERS, 0, false)), chain.readable());
        assertEquals(List.of(new Descriptor(BUFFERS + 0x100, 0, true)), chain.writable());
        assertEquals(0, chain.readableBytes() + chain.writableBytes());
    }

    // ---- 2.7.4.2: order -----------------------------------------------------------------------------------------

    /** 2.7.4.2 "The driver MUST place any device-writable descriptor elements after any device-readable descriptor elements". */
    @Test
    void aReadableBufferAfterAWritableOneIsRefused() throws Exception {
        rings.driver.writeDescriptor(2, readable(BUFFERS, 8, 3));
        rings.driver.writeDescriptor(3, writable(BUFFERS + 0x100, 8, 4));
        rings.driver.writeDescriptor(4, readable(BUFFERS + 0x200, 8, -1));
        assertEquals(Kind.ORDER, refusal(2));
        rings.assertNextGoodChainIsServed();
    }

    /** The order holds across the step into an indirect table. */
    @Test
    void aReadableBufferInAnIndirectTableAfterAWritableDirectOneIsRefused() throws Exception {
        rings.driver.writeTable(TABLES, readable(BUFFERS + 0x100, 32, -1));
        rings.driver.writeDescriptor(2, writable(BUFFERS, 8, 3));
        rings.driver.writeDescriptor(3, new RawDescriptor(TABLES, 16, F_INDIRECT, 0));
        assertEquals(Kind.ORDER, refusal(2));
        rings.assertNextGoodChainIsServed();
    }
}
