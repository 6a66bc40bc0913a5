package dev.vmboot.api.fs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

class ReadOnlyFileChannelTest {

    /** A file of the bytes 0, 1, 2, ... that hands out at most {@code chunk} bytes per readAt and records the calls. */
    static final class CountingFile extends ReadOnlyFileChannel {
        final int chunk;
        final List<long[]> calls = new ArrayList<>();

        CountingFile(long size, int chunk) {
            super(size);
            this.chunk = chunk;
        }

        @Override
        protected int readAt(long at, ByteBuffer dst, int max) {
            calls.add(new long[] {at, max});
            int n = Math.min(max, chunk);
            for (int i = 0; i < n; i++) {
                dst.put((byte) (at + i));
            }
            return n;
        }
    }

    @Test
    void readsFromThePositionAndAdvancesIt() throws Exception {
        CountingFile file = new CountingFile(10, 100);
        ByteBuffer dst = ByteBuffer.allocate(4);
        assertEquals(4, file.read(dst));
        assertArrayEquals(new byte[] {0, 1, 2, 3}, dst.array());
        assertEquals(4, file.position());
        dst.clear();
        file.position(7);
        assertEquals(3, file.read(dst), "a read is cut at the end of the file");
        assertArrayEquals(new byte[] {7, 8, 9}, Arrays.copyOf(dst.array(), 3));
        assertEquals(10, file.position());
        assertEquals(List.of("0+4", "7+3"), file.calls.stream().map(c -> c[0] + "+" + c[1]).toList());
    }

    @Test
    void aShortReadAtAdvancesOnlyByWhatItRead() throws Exception {
        CountingFile file = new CountingFile(10, 3);
        ByteBuffer dst = ByteBuffer.allocate(8);
        assertEquals(3, file.read(dst));
        assertEquals(3, file.position());
        assertEquals(3, file.read(dst));
        assertEquals(6, file.position());
        assertArrayEquals(new byte[] {0, 1, 2, 3, 4, 5}, Arrays.copyOf(dst.array(), 6));
    }

    @Test
    void atOrBeyondTheEndReadsMinusOneWithoutAskingTheSubclass() throws Exception {
        CountingFile file = new CountingFile(10, 100);
        file.position(10);
        assertEquals(-1, file.read(ByteBuffer.allocate(1)));
        file.position(1L << 40);
        assertEquals(-1, file.read(ByteBuffer.allocate(1)));
        assertEquals(1L << 40, file.position());
        assertEquals(-1, new CountingFile(0, 100).read(ByteBuffer.allocate(1)));
        assertTrue(file.calls.isEmpty());
    }

    @Test
    void aFullBufferReadsZeroWithoutAskingTheSubclass() throws Exception {
        CountingFile file = new CountingFile(10, 100);
        assertEquals(0, file.read(ByteBuffer.allocate(0)));
        assertEquals(0, file.position());
        assertTrue(file.calls.isEmpty());
    }

    @Test
    void aNegativePositionIsRefused() {
        CountingFile file = new CountingFile(10, 100);
        assertThrows(IllegalArgumentException.class, () -> file.position(-1));
    }

    @Test
    void writingAndTruncatingAreRefused() throws Exception {
        CountingFile file = new CountingFile(10, 100);
        assertThrows(NonWritableChannelException.class, () -> file.write(ByteBuffer.allocate(1)));
        assertThrows(NonWritableChannelException.class, () -> file.truncate(0));
        assertEquals(10, file.size());
    }

    @Test
    void aClosedChannelRefusesEverythingButIsOpenAndClose() throws Exception {
        CountingFile file = new CountingFile(10, 100);
        assertTrue(file.isOpen());
        assertSame(file, file.position(2));
        file.close();
        assertFalse(file.isOpen());
        assertThrows(ClosedChannelException.class, () -> file.read(ByteBuffer.allocate(1)));
        assertThrows(ClosedChannelException.class, file::position);
        assertThrows(ClosedChannelException.class, () -> file.position(0));
        assertThrows(ClosedChannelException.class, file::size);
        file.close();
        assertFalse(file.isOpen());
        assertTrue(file.calls.isEmpty());
    }
}
