package dev.vmboot.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.EOFException;
import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;

class MemoryBlockDeviceTest {
    @Test
    void readsTheArrayAndStopsAtItsEnd() throws Exception {
        byte[] data = {1, 2, 3, 4, 5};
        MemoryBlockDevice dev = new MemoryBlockDevice(data);
        assertEquals(5, dev.size());
        assertEquals(512, dev.logicalSectorSize());
        ByteBuffer buf = ByteBuffer.allocate(8);
        assertEquals(3, dev.read(2, buf));
        assertArrayEquals(new byte[] {3, 4, 5}, java.util.Arrays.copyOf(buf.array(), 3));
        assertEquals(-1, dev.read(5, ByteBuffer.allocate(1)));
        assertThrows(EOFException.class, () -> dev.readBytes(4, 2));
        assertThrows(IllegalArgumentException.class, () -> dev.read(-1, ByteBuffer.allocate(1)));
    }

    @Test
    void seesInPlaceChanges() throws Exception {
        byte[] data = new byte[16];
        MemoryBlockDevice dev = new MemoryBlockDevice(data, 4096);
        data[7] = 42;
        assertEquals(42, dev.readBytes(7, 1)[0]);
        assertEquals(4096, dev.logicalSectorSize());
    }

    @Test
    void sparseDeviceReadsZerosPastTheStoredBytes() throws Exception {
        MemoryBlockDevice dev = MemoryBlockDevice.sparse(new byte[] {7, 8, 9}, 10_000);
        assertEquals(10_000, dev.size());
        byte[] across = dev.readBytes(1, 9000);
        assertEquals(8, across[0]);
        assertEquals(9, across[1]);
        for (int i = 2; i < across.length; i++) {
            assertEquals(0, across[i], "byte " + (i + 1));
        }
        assertEquals(0, dev.readBytes(9999, 1)[0]);
        ByteBuffer fill = ByteBuffer.allocate(100);
        fill.put(0, (byte) 1);
        assertEquals(1, dev.read(9999, fill));
        assertEquals(0, fill.get(0));
        assertEquals(-1, dev.read(10_000, ByteBuffer.allocate(1)));
        assertEquals(3, MemoryBlockDevice.sparse(new byte[] {7, 8, 9}, 1).size(), "never smaller than its bytes");
    }
}
