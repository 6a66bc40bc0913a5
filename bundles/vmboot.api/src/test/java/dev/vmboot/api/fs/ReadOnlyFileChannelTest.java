package dev.vmboot.api.fs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.vmboot.api.storage.BlockDevice;

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

    /** A device of the bytes 100, 101, ... that hands out at most 3 bytes per read, as a device may. */
    static final class TrickleDevice implements BlockDevice {
        final int size;

        TrickleDevice(int size) {
            this.size = size;
        }

        @Override
        public String name() {
            return "trickle";
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public int logicalSectorSize() {
            return 512;
        }

        @Override
        public int read(long position, ByteBuffer dst) {
            if (position >= size) {
                return -1;
            }
            int n = (int) Math.min(Math.min(3, dst.remaining()), size - position);
            for (int i = 0; i < n; i++) {
                dst.put((byte) (100 + position + i));
            }
            return n;
        }

        @Override
        public void close() {
        }
    }

    /** A file whose bytes are the device's from {@code offset} on. */
    static class DeviceFile extends ReadOnlyFileChannel {
        final BlockDevice device;
        final long offset;

        DeviceFile(BlockDevice device, long offset, long size) {
            super(size);
            this.device = device;
            this.offset = offset;
        }

        @Override
        protected int readAt(long at, ByteBuffer dst, int max) throws IOException {
            readDevice(device, offset + at, dst, max);
            return max;
        }
    }

    @Test
    void readDeviceFillsExactlyTheRunDespiteShortDeviceReads() throws Exception {
        DeviceFile file = new DeviceFile(new TrickleDevice(20), 4, 10);
        ByteBuffer dst = ByteBuffer.allocate(16);
        dst.limit(12);
        assertEquals(10, file.read(dst));
        assertEquals(10, dst.position());
        assertEquals(12, dst.limit(), "the caller's limit is restored");
        byte[] expected = new byte[10];
        for (int i = 0; i < 10; i++) {
            expected[i] = (byte) (104 + i);
        }
        assertArrayEquals(expected, Arrays.copyOf(dst.array(), 10));
    }

    @Test
    void dataBeyondTheDeviceIsACorruptFilesystemNamingWhereTheDeviceEnded() throws Exception {
        DeviceFile file = new DeviceFile(new TrickleDevice(20), 15, 10);
        ByteBuffer dst = ByteBuffer.allocate(16);
        CorruptFilesystemException e = assertThrows(CorruptFilesystemException.class, () -> file.read(dst));
        assertEquals(20, e.offset());
        assertEquals("file data", e.structure());
        assertEquals(16, dst.limit(), "the caller's limit is restored");
        assertEquals(0, file.position(), "a failed read does not move the position");

        DeviceFile named = new DeviceFile(new TrickleDevice(20), 15, 10) {
            @Override
            protected CorruptFilesystemException beyondDevice(BlockDevice device, long devicePos) {
                return new CorruptFilesystemException("the file", devicePos, "cut short");
            }
        };
        assertEquals("the file at byte 20: cut short",
                assertThrows(CorruptFilesystemException.class, () -> named.read(ByteBuffer.allocate(16)))
                        .getMessage());
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
