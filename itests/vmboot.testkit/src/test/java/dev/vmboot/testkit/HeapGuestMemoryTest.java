package dev.vmboot.testkit;

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

class HeapGuestMemoryTest {
    /** The heap pages are 64 KiB: an address just before a page boundary. */
    private static final long ACROSS = (1 << 16) - 3;

    @Test
    void unwrittenMemoryReadsZero() {
        HeapGuestMemory m = new HeapGuestMemory(1L << 40);
        assertArrayEquals(new byte[8], m.read((1L << 40) - 8, 8));
        assertEquals(0, m.readLong(ACROSS));
    }

    @Test
    void bytesWrittenAcrossAPageBoundaryReadBack() {
        HeapGuestMemory m = new HeapGuestMemory(1 << 20);
        byte[] data = {1, 2, 3, 4, 5, 6, 7};
        m.write(ACROSS, data);
        assertArrayEquals(data, m.read(ACROSS, data.length));
        ByteBuffer dst = ByteBuffer.allocate(7);
        m.read(ACROSS, dst);
        assertArrayEquals(data, dst.array());
        assertEquals(0, m.readByte(ACROSS - 1));
        assertEquals(0, m.readByte(ACROSS + 7));
    }

    @Test
    void valuesAreLittleEndian() {
        HeapGuestMemory m = new HeapGuestMemory(1 << 20);
        m.writeLong(ACROSS, 0x0807_0605_0403_0201L);
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, m.read(ACROSS, 8));
        assertEquals(0x0403_0201, m.readInt(ACROSS));
        assertEquals((short) 0x0201, m.readShort(ACROSS));
        m.writeInt(0x100, 0xCAFE_F00D);
        m.writeShort(0x104, (short) 0xBEEF);
        m.writeByte(0x106, (byte) 0x7A);
        assertEquals(0x7A_BEEF_CAFE_F00DL, m.readLong(0x100));
    }

    @Test
    void aByteBufferWriteConsumesTheBuffer() {
        HeapGuestMemory m = new HeapGuestMemory(1 << 20);
        ByteBuffer src = ByteBuffer.wrap(new byte[] {9, 8, 7});
        m.write(0x10, src);
        assertFalse(src.hasRemaining());
        assertArrayEquals(new byte[] {9, 8, 7}, m.read(0x10, 3));
    }

    @Test
    void zeroClearsOnlyItsRangeAcrossPages() {
        HeapGuestMemory m = new HeapGuestMemory(1 << 20);
        byte[] ones = new byte[1 << 17];
        java.util.Arrays.fill(ones, (byte) 1);
        m.write(0, ones);
        m.zero(ACROSS, 1 << 16);
        assertEquals(1, m.readByte(ACROSS - 1));
        assertArrayEquals(new byte[1 << 16], m.read(ACROSS, 1 << 16));
        assertEquals(1, m.readByte(ACROSS + (1 << 16)));
    }

    @Test
    void accessesOutsideTheRegionsAreRefused() {
        HeapGuestMemory m = new HeapGuestMemory(List.of(new MemoryRegion(0x1000, 0x1000, false),
                new MemoryRegion(0x2000, 0x1000, false)));
        assertTrue(m.contains(0x1000, 0x1000));
        assertFalse(m.contains(0x1FFF, 2), "an access never spans two regions");
        assertThrows(GuestMemoryException.class, () -> m.readByte(0xFFF));
        assertThrows(GuestMemoryException.class, () -> m.writeInt(0x1FFE, 1));
        assertThrows(GuestMemoryException.class, () -> m.zero(0x2F00, 0x200));
        assertThrows(GuestMemoryException.class, () -> m.read(0x3000, new byte[1], 0, 1));
        assertEquals(2, m.regions().size());
    }
}
