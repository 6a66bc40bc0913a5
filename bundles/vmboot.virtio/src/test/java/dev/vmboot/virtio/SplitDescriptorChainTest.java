package dev.vmboot.virtio;

import static dev.vmboot.virtio.TestRings.BUFFERS;
import static dev.vmboot.virtio.TestRings.HIGH_RAM;
import static dev.vmboot.virtio.TestRings.HIGH_RAM_END;
import static dev.vmboot.virtio.TestRings.INDIRECT;
import static dev.vmboot.virtio.TestRings.TABLES;
import static dev.vmboot.virtio.TestRings.VERSION_1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.vmboot.api.virtio.Descriptor;
import dev.vmboot.api.virtio.DescriptorChain;
import dev.vmboot.testkit.MockDriverQueue.Buffer;

/**
 * The byte-sequence accessors of a popped chain: the readable buffers (and the writable ones) addressed as one run of
 * bytes across descriptor boundaries, bounds-checked against that run (the API's contract on
 * {@link DescriptorChain}; virtio 1.2, 2.7.4 "Message Framing": the device MUST NOT assume how the driver split a
 * message into buffers).
 */
class SplitDescriptorChainTest {

    private final TestRings rings = new TestRings(8, VERSION_1);
    private DescriptorChain chain;

    // readable: 3 bytes at A, 0 bytes, 5 bytes at B (8 bytes); writable: 4 bytes at C, 6 bytes in high RAM (10 bytes)
    private static final long A = BUFFERS;
    private static final long B = BUFFERS + 0x100;
    private static final long C = BUFFERS + 0x200;
    private static final long D = HIGH_RAM + 0x40;

    @BeforeEach
    void popAChainOfFourPieces() throws Exception {
        rings.memory.write(A, new byte[] { 1, 2, 3 });
        rings.memory.write(B, new byte[] { 4, 5, 6, 7, 8 });
        rings.driver.addChain(Buffer.readable(A, 3), Buffer.readable(BUFFERS + 0x80, 0), Buffer.readable(B, 5),
                Buffer.writable(C, 4), Buffer.writable(D, 6));
        rings.driver.publish();
        chain = rings.popChain();
        assertEquals(8, chain.readableBytes());
        assertEquals(10, chain.writableBytes());
    }

    private static byte[] bytes(int from, int count) {
        byte[] b = new byte[count];
        for (int i = 0; i < count; i++) {
            b[i] = (byte) (from + i);
        }
        return b;
    }

    @Test
    void readsRunAcrossDescriptorBoundaries() {
        ByteBuffer all = ByteBuffer.allocate(8);
        chain.read(0, all);
        assertEquals(8, all.position());
        assertArrayEquals(bytes(1, 8), all.array());
        ByteBuffer middle = ByteBuffer.allocate(4);
        chain.read(2, middle);
        assertArrayEquals(bytes(3, 4), middle.array());
    }

    @Test
    void readIntoPartOfABufferKeepsItsLimit() {
        ByteBuffer dst = ByteBuffer.allocate(16);
        dst.position(5).limit(8);
        chain.read(4, dst);
        assertEquals(8, dst.position());
        assertEquals(8, dst.limit());
        assertArrayEquals(new byte[] { 0, 0, 0, 0, 0, 5, 6, 7, 0, 0, 0, 0, 0, 0, 0, 0 }, dst.array());
    }

    @Test
    void writesRunAcrossDescriptorBoundaries() {
        ByteBuffer src = ByteBuffer.wrap(bytes(20, 10));
        chain.write(0, src);
        assertEquals(10, src.position());
        assertArrayEquals(bytes(20, 4), rings.memory.read(C, 4));
        assertArrayEquals(bytes(24, 6), rings.memory.read(D, 6));
        chain.write(3, ByteBuffer.wrap(new byte[] { 99, 98 }));
        assertArrayEquals(new byte[] { 20, 21, 22, 99 }, rings.memory.read(C, 4));
        assertEquals(98, rings.memory.readByte(D));
    }

    /** Accesses in the second half are found from the end (a status byte last), past empty buffers at the end. */
    @Test
    void accessesNearTheEndLandInTheRightBuffer() throws Exception {
        chain.write(9, ByteBuffer.wrap(new byte[] { 77 }));
        assertEquals(77, rings.memory.readByte(D + 5));
        chain.write(4, ByteBuffer.wrap(new byte[] { 66 }));
        assertEquals(66, rings.memory.readByte(D));
        ByteBuffer last = ByteBuffer.allocate(1);
        chain.read(7, last);
        assertEquals(8, last.get(0));
        rings.driver.addChain(Buffer.readable(A, 3), Buffer.writable(C, 2), Buffer.writable(C + 0x10, 2),
                Buffer.writable(C + 0x20, 0), Buffer.writable(C + 0x30, 0));
        rings.driver.publish();
        DescriptorChain trailing = rings.popChain();
        trailing.write(3, ByteBuffer.wrap(new byte[] { 55 }));
        assertEquals(55, rings.memory.readByte(C + 0x11));
        trailing.write(2, ByteBuffer.wrap(new byte[] { 44, 45 }));
        assertArrayEquals(new byte[] { 44, 45 }, rings.memory.read(C + 0x10, 2));
    }

    @Test
    void accessesOutsideTheSequenceAreIndexErrorsAndTouchNothing() {
        byte[] before = rings.memory.read(C, 4);
        assertThrows(IndexOutOfBoundsException.class, () -> chain.read(1, ByteBuffer.allocate(8)));
        assertThrows(IndexOutOfBoundsException.class, () -> chain.read(-1, ByteBuffer.allocate(1)));
        assertThrows(IndexOutOfBoundsException.class, () -> chain.read(9, ByteBuffer.allocate(0)));
        assertThrows(IndexOutOfBoundsException.class, () -> chain.write(8, ByteBuffer.allocate(3)));
        assertThrows(IndexOutOfBoundsException.class, () -> chain.write(Long.MAX_VALUE, ByteBuffer.allocate(2)));
        assertThrows(IndexOutOfBoundsException.class, () -> chain.readableBuffers(0, 9));
        assertThrows(IndexOutOfBoundsException.class, () -> chain.writableBuffers(5, -1));
        assertThrows(IndexOutOfBoundsException.class, () -> chain.writableBuffers(Long.MAX_VALUE, Long.MAX_VALUE));
        assertArrayEquals(before, rings.memory.read(C, 4));
        // the ends themselves are fine
        chain.read(8, ByteBuffer.allocate(0));
        chain.write(10, ByteBuffer.allocate(0));
        assertEquals(0, chain.readableBuffers(8, 0).length);
    }

    @Test
    void readableBuffersAreReadOnlyViewsOnePerPiece() {
        ByteBuffer[] views = chain.readableBuffers(1, 6);
        assertEquals(2, views.length, "the empty descriptor gives no piece");
        assertEquals(2, views[0].remaining());
        assertEquals(4, views[1].remaining());
        assertEquals(2, views[0].get(0));
        assertEquals(4, views[1].get(0));
        assertTrue(views[0].isReadOnly() && views[1].isReadOnly());
        assertThrows(ReadOnlyBufferException.class, () -> views[0].put(0, (byte) 1));
    }

    @Test
    void writableBuffersWriteStraightIntoGuestMemory() {
        ByteBuffer[] views = chain.writableBuffers(2, 5);
        assertEquals(2, views.length);
        assertEquals(2, views[0].remaining());
        assertEquals(3, views[1].remaining());
        byte[] data = bytes(40, 5);
        int at = 0;
        for (ByteBuffer v : views) {
            int n = v.remaining();
            v.put(Arrays.copyOfRange(data, at, at + n));
            at += n;
        }
        assertArrayEquals(new byte[] { 0, 0, 40, 41 }, rings.memory.read(C, 4));
        assertArrayEquals(new byte[] { 42, 43, 44, 0, 0, 0 }, rings.memory.read(D, 6));
    }

    /** A piece boundary at the very end of a RAM region: the next piece starts cleanly, nothing touches the end. */
    @Test
    void aBufferEndingAtTheEndOfRamHandsOverToTheNext() throws Exception {
        rings.memory.write(HIGH_RAM_END - 4, new byte[] { 1, 2, 3, 4 });
        rings.memory.write(A, new byte[] { 5, 6 });
        rings.driver.addChain(Buffer.readable(HIGH_RAM_END - 4, 4), Buffer.readable(A, 2));
        rings.driver.publish();
        DescriptorChain atEnd = rings.popChain();
        ByteBuffer[] views = atEnd.readableBuffers(4, 2);
        assertEquals(1, views.length);
        assertEquals(5, views[0].get(0));
        ByteBuffer dst = ByteBuffer.allocate(2);
        atEnd.read(4, dst);
        assertArrayEquals(new byte[] { 5, 6 }, dst.array());
        assertEquals(2, atEnd.readableBuffers(2, 4).length);
    }

    /**
     * The walker keeps the buffers of the chain it walks in arrays it reuses: a chain keeps its own, whatever the queue
     * pops after it (here 300 buffers through an indirect table, more than the arrays first hold, then 2).
     */
    @Test
    void aChainKeepsItsBuffersWhenTheNextOneIsPopped() throws Exception {
        TestRings indirect = new TestRings(8, VERSION_1 | INDIRECT);
        Buffer[] many = new Buffer[300];
        for (int i = 0; i < many.length; i++) {
            many[i] = i == 0 ? Buffer.readable(BUFFERS, 16) : Buffer.writable(HIGH_RAM + 0x1000L * i, 512);
        }
        indirect.driver.addIndirectChain(TABLES, many);
        indirect.driver.addChain(Buffer.readable(BUFFERS + 0x40, 16), Buffer.writable(BUFFERS + 0x80, 1));
        indirect.driver.publish();
        DescriptorChain first = indirect.popChain();
        ByteBuffer[] firstViews = first.writableBuffers(0, 299 * 512);
        DescriptorChain second = indirect.popChain();
        assertEquals(List.of(new Descriptor(BUFFERS, 16, false)), first.readable());
        assertEquals(299, first.writable().size());
        assertEquals(new Descriptor(HIGH_RAM + 0x1000L * 299, 512, true), first.writable().get(298));
        assertEquals(299 * 512, first.writableBytes());
        assertEquals(299, firstViews.length);
        assertEquals(299, first.writableBuffers(0, 299 * 512).length);
        assertEquals(List.of(new Descriptor(BUFFERS + 0x80, 1, true)), second.writable());
        assertEquals(1, second.writableBytes());
        assertEquals(16, second.readableBytes());
    }
}
