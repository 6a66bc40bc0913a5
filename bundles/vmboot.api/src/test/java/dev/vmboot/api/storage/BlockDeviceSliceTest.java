package dev.vmboot.api.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.EOFException;
import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;

class BlockDeviceSliceTest {

    /** A device over a byte array. */
    static final class ArrayDevice implements BlockDevice {
        final byte[] bytes;

        ArrayDevice(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public String name() {
            return "array";
        }

        @Override
        public long size() {
            return bytes.length;
        }

        @Override
        public int logicalSectorSize() {
            return 512;
        }

        @Override
        public int read(long position, ByteBuffer dst) {
            if (position >= bytes.length) {
                return -1;
            }
            int n = (int) Math.min(dst.remaining(), bytes.length - position);
            dst.put(bytes, (int) position, n);
            return n;
        }

        @Override
        public void close() {
        }
    }

    private static ArrayDevice device(int size) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) i;
        }
        return new ArrayDevice(b);
    }

    @Test
    void sliceReadsItsWindowOnly() throws Exception {
        BlockDevice slice = device(100).slice("p1", 10, 20);
        assertEquals(20, slice.size());
        ByteBuffer buf = ByteBuffer.allocate(50);
        assertEquals(20, slice.read(0, buf));
        assertEquals(20, buf.position());
        assertEquals(10, buf.get(0));
        assertEquals(29, buf.get(19));
        assertEquals(-1, slice.read(20, ByteBuffer.allocate(1)));
        assertArrayEquals(new byte[] {25, 26}, slice.readBytes(15, 2));
    }

    @Test
    void readFullyPastTheEndFails() {
        BlockDevice slice = device(100).slice("p1", 90, 10);
        EOFException e = assertThrows(EOFException.class, () -> slice.readBytes(5, 6));
        assertEquals("p1: read past the end at byte 10 (size 10)", e.getMessage());
    }

    @Test
    void windowOutsideTheDeviceIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> device(100).slice("p", 90, 11));
        assertThrows(IllegalArgumentException.class, () -> device(100).slice("p", -1, 1));
        assertThrows(IllegalArgumentException.class, () -> device(100).slice("p", 50, Long.MAX_VALUE));
    }
}
