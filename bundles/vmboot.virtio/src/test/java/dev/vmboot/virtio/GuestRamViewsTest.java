package dev.vmboot.virtio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.vmboot.api.memory.MemoryRegion;
import dev.vmboot.api.virtio.DescriptorChain;
import dev.vmboot.memory.RegionGuestMemory;
import dev.vmboot.testkit.HeapGuestMemory;
import dev.vmboot.testkit.MockDriverQueue;
import dev.vmboot.testkit.MockDriverQueue.Buffer;

/**
 * The queue's cached views of guest RAM: the same bytes as {@code GuestMemory.views}, and the same answer where a range
 * crosses two backing pieces or the memory has too many pieces to cache.
 */
class GuestRamViewsTest {

    /** 1 MiB of RAM in 64 KiB direct chunks, as KVM guest RAM comes in 1 GiB ones; and a ROM. */
    private static RegionGuestMemory chunked() {
        RegionGuestMemory m = new RegionGuestMemory();
        List<ByteBuffer> chunks = new java.util.ArrayList<>();
        for (int i = 0; i < 16; i++) {
            chunks.add(ByteBuffer.allocateDirect(64 << 10));
        }
        m.map(new MemoryRegion(0, 1 << 20, false), chunks);
        m.map(new MemoryRegion(2 << 20, 4096, true), ByteBuffer.allocate(4096));
        return m;
    }

    @Test
    void regionsAreFoundUnsignedAndReadOnlyIsKnown() {
        GuestRamViews ram = GuestRamViews.of(chunked());
        assertEquals(0, ram.region(0x100, 16));
        assertEquals(0, ram.region((1 << 20) - 16, 16));
        assertEquals(-1, ram.region((1 << 20) - 16, 17));
        assertEquals(-1, ram.region(-16, 32), "an address of 2^64 - 16 is in no region, and no range wraps");
        assertEquals(-1, ram.region(0x100, -1));
        assertEquals(1, ram.region(2 << 20, 4096));
        assertTrue(ram.readOnly(1));
        assertFalse(ram.readOnly(0));
    }

    @Test
    void viewsAliasGuestMemoryAndAreReadOnlyUnlessAsked() {
        RegionGuestMemory memory = chunked();
        GuestRamViews ram = GuestRamViews.of(memory);
        ByteBuffer w = ram.view(0, 0x2_0010, 8, true);
        w.put(0, (byte) 0x5A);
        assertEquals(0x5A, memory.readByte(0x2_0010));
        memory.writeByte(0x2_0011, (byte) 7);
        ByteBuffer r = ram.view(0, 0x2_0010, 8, false);
        assertEquals(7, r.get(1));
        assertTrue(r.isReadOnly());
        assertNull(ram.view(0, 0xFFF8, 16, true), "crosses two 64 KiB chunks: not one view");
    }

    @Test
    void aBufferAcrossTwoBackingPiecesComesAsTwoViews() throws Exception {
        RegionGuestMemory memory = chunked();
        MockDriverQueue driver = MockDriverQueue.at(memory, 16, 0x1000);
        SplitVirtqueue queue = SplitVirtqueue.create(0, TestRings.layoutOf(driver), memory, TestRings.VERSION_1);
        byte[] data = new byte[64];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) i;
        }
        memory.write(0xFFE0, data);
        driver.addChain(Buffer.readable(0xFFE0, 64), Buffer.writable(0x3_0000, 16));
        driver.publish();
        DescriptorChain chain = queue.pop().orElseThrow();
        ByteBuffer[] views = chain.readableBuffers(0, 64);
        assertEquals(List.of(32, 32), java.util.Arrays.stream(views).map(ByteBuffer::remaining).toList());
        byte[] back = new byte[64];
        views[0].get(back, 0, 32);
        views[1].get(back, 32, 32);
        assertArrayEquals(data, back);
        assertEquals(1, chain.writableBuffers(0, 16).length);
    }

    @Test
    void memoryWithTooManyPiecesIsReachedThroughGuestMemory() throws Exception {
        HeapGuestMemory memory = new HeapGuestMemory(List.of(new MemoryRegion(0, 8L << 20, false)));
        GuestRamViews ram = GuestRamViews.of(memory);
        assertNull(ram.view(0, 0x1000, 16, true), "128 pieces of 64 KiB: not cached");
        MockDriverQueue driver = MockDriverQueue.at(memory, 16, 0x1000);
        SplitVirtqueue queue = SplitVirtqueue.create(0, TestRings.layoutOf(driver), memory, TestRings.VERSION_1);
        memory.write(0x2_0000, new byte[] {9, 8, 7});
        driver.addChain(Buffer.readable(0x2_0000, 3), Buffer.writable(0x3_0000, 3));
        driver.publish();
        Optional<DescriptorChain> chain = queue.pop();
        ByteBuffer[] views = chain.orElseThrow().readableBuffers(0, 3);
        assertEquals(1, views.length);
        assertEquals(8, views[0].get(1));
    }

    /** Descriptor words: little-endian, the same from the cached view, across two pieces and from uncached memory. */
    @Test
    void wordsAreReadLittleEndianWhereverTheyLie() {
        RegionGuestMemory memory = chunked();
        GuestRamViews ram = GuestRamViews.of(memory);
        memory.writeLong(0x2_0008, 0x1122_3344_5566_7788L);
        assertEquals(0x1122_3344_5566_7788L, ram.readLong(0, 0x2_0008));
        assertEquals(0x88, memory.readByte(0x2_0008) & 0xFF, "the low byte first");
        memory.writeLong(0xFFFC, 0x0102_0304_0506_0708L); // the first 64 KiB chunk ends at 0x10000
        assertEquals(0x0102_0304_0506_0708L, ram.readLong(0, 0xFFFC));
        HeapGuestMemory sparse = new HeapGuestMemory(List.of(new MemoryRegion(0, 8L << 20, false)));
        sparse.writeLong(0x4_0010, -2L);
        assertEquals(-2L, GuestRamViews.of(sparse).readLong(0, 0x4_0010), "128 pieces: read through GuestMemory");
    }
}
