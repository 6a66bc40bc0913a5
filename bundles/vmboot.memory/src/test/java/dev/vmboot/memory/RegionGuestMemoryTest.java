package dev.vmboot.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.vmboot.api.memory.GuestMemoryException;
import dev.vmboot.api.memory.MemoryRegion;

class RegionGuestMemoryTest {

    private final RegionGuestMemory memory = RegionGuestMemory.onHeap(new MemoryRegion(0, 0x10000, false),
            new MemoryRegion(0x100000, 0x1000, false));

    @Test
    void scalarsAreLittleEndian() {
        memory.writeLong(0x100, 0x0807060504030201L);
        assertEquals(0x01, memory.readByte(0x100));
        assertEquals(0x0201, memory.readShort(0x100));
        assertEquals(0x04030201, memory.readInt(0x100));
        assertEquals(0x0807060504030201L, memory.readLong(0x100));
        memory.writeShort(0x200, (short) 0xBEEF);
        memory.writeInt(0x204, 0xCAFEBABE);
        memory.writeByte(0x208, (byte) 0x7F);
        assertArrayEquals(new byte[] {(byte) 0xEF, (byte) 0xBE, 0, 0, (byte) 0xBE, (byte) 0xBA, (byte) 0xFE,
                (byte) 0xCA, 0x7F}, memory.read(0x200, 9));
    }

    @Test
    void addressesOutsideRegionsAreErrors() {
        assertThrows(GuestMemoryException.class, () -> memory.readByte(0x10000));
        assertThrows(GuestMemoryException.class, () -> memory.readInt(0xFFFD));
        assertThrows(GuestMemoryException.class, () -> memory.writeLong(-8, 0));
        assertThrows(GuestMemoryException.class, () -> memory.readLong(Long.MAX_VALUE - 3));
        assertThrows(GuestMemoryException.class, () -> memory.read(0xFFFF_FFFFL, new byte[4], 0, 4));
        assertThrows(GuestMemoryException.class, () -> memory.zero(0x100000, 0x1001));
        GuestMemoryException e = assertThrows(GuestMemoryException.class, () -> memory.readByte(0x20000));
        assertEquals(0x20000, e.address());
        assertEquals("guest memory [0x20000, +0x1): not guest memory", e.getMessage());
    }

    @Test
    void noAccessSpansTwoRegionsEvenWhenAdjacent() {
        RegionGuestMemory m = RegionGuestMemory.onHeap(new MemoryRegion(0, 0x1000, false),
                new MemoryRegion(0x1000, 0x1000, false));
        assertThrows(GuestMemoryException.class, () -> m.readInt(0xFFE));
        assertThrows(GuestMemoryException.class, () -> m.write(0xFFF, new byte[2]));
        assertFalse(m.contains(0xFFF, 2));
        assertTrue(m.contains(0x1000, 0x1000));
        assertTrue(m.contains(0xFFF, 1));
    }

    @Test
    void bulkReadsAndWritesWithByteBuffers() {
        ByteBuffer src = ByteBuffer.wrap(new byte[] {9, 1, 2, 3, 4, 9});
        src.position(1).limit(5);
        memory.write(0x100010, src);
        assertEquals(5, src.position());
        ByteBuffer dst = ByteBuffer.allocate(6);
        dst.position(1);
        memory.read(0x10000F, dst);
        assertEquals(6, dst.position());
        assertArrayEquals(new byte[] {0, 0, 1, 2, 3, 4}, dst.array());
    }

    @Test
    void zeroClearsExactlyTheRange() {
        byte[] ones = new byte[64];
        java.util.Arrays.fill(ones, (byte) -1);
        memory.write(0x300, ones);
        memory.zero(0x303, 50);
        byte[] back = memory.read(0x300, 64);
        for (int i = 0; i < 64; i++) {
            assertEquals(i >= 3 && i < 53 ? 0 : -1, back[i], "byte " + i);
        }
    }

    @Test
    void readOnlyRegionsRefuseWrites() {
        memory.map(new MemoryRegion(0xFFFF0000L, 0x10000, true), ByteBuffer.allocate(0x10000));
        assertEquals(0, memory.readInt(0xFFFFFFF0L));
        GuestMemoryException e = assertThrows(GuestMemoryException.class, () -> memory.writeByte(0xFFFFFFF0L,
                (byte) 1));
        assertTrue(e.getMessage().endsWith("read-only memory"), e.getMessage());
        assertThrows(GuestMemoryException.class, () -> memory.zero(0xFFFF0000L, 1));
    }

    @Test
    void chunkedRegionsReadAcrossChunkBoundaries() {
        RegionGuestMemory m = new RegionGuestMemory();
        m.map(new MemoryRegion(0x1000, 40, false), List.of(ByteBuffer.allocate(16), ByteBuffer.allocateDirect(16),
                ByteBuffer.allocate(8)));
        m.writeLong(0x100C, 0x1122334455667788L);
        assertEquals(0x1122334455667788L, m.readLong(0x100C));
        assertEquals(0x55667788, m.readInt(0x100C));
        assertEquals(0x1122, m.readShort(0x1012));
        m.writeInt(0x101E, 0xA1B2C3D4);
        assertEquals(0xA1B2C3D4, m.readInt(0x101E));
        m.writeShort(0x100F, (short) 0x0102);
        assertEquals(0x0102, m.readShort(0x100F));
        byte[] all = new byte[40];
        for (int i = 0; i < 40; i++) {
            all[i] = (byte) (i + 1);
        }
        m.write(0x1000, all);
        assertArrayEquals(all, m.read(0x1000, 40));
        m.zero(0x1004, 32);
        byte[] back = m.read(0x1000, 40);
        assertEquals(4, back[3]);
        assertEquals(0, back[4]);
        assertEquals(0, back[35]);
        assertEquals(37, back[36]);
        assertThrows(GuestMemoryException.class, () -> m.readLong(0x1021));
    }

    @Test
    void viewsSplitAtChunkBoundariesAndAliasGuestMemory() {
        RegionGuestMemory m = new RegionGuestMemory();
        m.map(new MemoryRegion(0x1000, 40, false), List.of(ByteBuffer.allocate(16), ByteBuffer.allocateDirect(16),
                ByteBuffer.allocate(8)));
        List<ByteBuffer> views = m.views(0x100C, 24, true);
        assertEquals(List.of(4, 16, 4), views.stream().map(ByteBuffer::remaining).toList());
        views.get(1).put(0, (byte) 0x5A);
        views.get(2).put(3, (byte) 0xA5);
        assertEquals(0x5A, m.readByte(0x1010));
        assertEquals((byte) 0xA5, m.readByte(0x1023));
        m.writeByte(0x100D, (byte) 7);
        assertEquals(7, m.views(0x100C, 4, false).get(0).get(1));
        assertTrue(m.views(0x1000, 4, false).get(0).isReadOnly());
        assertThrows(GuestMemoryException.class, () -> m.views(0x1020, 9, false));
        assertThrows(GuestMemoryException.class, () -> m.views(0x0FFF, 2, false));
    }

    @Test
    void writableViewsOfReadOnlyMemoryAreRefused() {
        RegionGuestMemory m = RegionGuestMemory.onHeap(new MemoryRegion(0, 64, true));
        assertThrows(GuestMemoryException.class, () -> m.views(0, 8, true));
        assertEquals(8, m.views(0, 8, false).get(0).remaining());
    }

    @Test
    void badMappingsAreRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> memory.map(new MemoryRegion(0xF000, 0x2000, false), ByteBuffer.allocate(0x2000)));
        assertThrows(IllegalArgumentException.class,
                () -> memory.map(new MemoryRegion(0x200000, 0x2000, false), ByteBuffer.allocate(0x1000)));
        RegionGuestMemory m = new RegionGuestMemory();
        assertThrows(IllegalArgumentException.class, () -> m.map(new MemoryRegion(0, 24, false),
                List.of(ByteBuffer.allocate(12), ByteBuffer.allocate(12))));
        assertThrows(IllegalArgumentException.class, () -> m.map(new MemoryRegion(0, 40, false),
                List.of(ByteBuffer.allocate(16), ByteBuffer.allocate(16))));
        assertTrue(m.regions().isEmpty());
    }

    @Test
    void regionsStaySortedWhenMappedOutOfOrder() {
        RegionGuestMemory m = new RegionGuestMemory();
        m.map(new MemoryRegion(0x5000, 0x1000, false), ByteBuffer.allocate(0x1000));
        m.map(new MemoryRegion(0x1000, 0x1000, false), ByteBuffer.allocate(0x1000));
        m.map(new MemoryRegion(0x3000, 0x1000, true), ByteBuffer.allocate(0x1000));
        assertEquals(List.of(0x1000L, 0x3000L, 0x5000L), m.regions().stream().map(MemoryRegion::guestAddress)
                .toList());
        m.writeInt(0x5FFC, 7);
        assertEquals(7, m.readInt(0x5FFC));
        assertThrows(GuestMemoryException.class, () -> m.readByte(0x2000));
        assertThrows(GuestMemoryException.class, () -> m.readByte(0x0FFF));
    }

    @Test
    void unmapAllTurnsLaterAccessesIntoErrors() {
        memory.writeInt(0x10, 5);
        memory.unmapAll();
        assertTrue(memory.regions().isEmpty());
        assertThrows(GuestMemoryException.class, () -> memory.readInt(0x10));
    }
}
