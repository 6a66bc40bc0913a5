package dev.vmboot.virtio.blk.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.vmboot.virtio.blk.internal.BlkCounters.Counter;

/** The backing file: scatter/gather at a position, zeros, read-only mode, and surviving an interrupt. */
class BlkBackendTest {
    static final int SIZE = 1 << 20;

    @TempDir
    Path dir;
    Path image;
    byte[] content;
    BlkCounters counters = new BlkCounters();

    @BeforeEach
    void image() throws IOException {
        content = new byte[SIZE];
        new Random(7).nextBytes(content);
        image = Files.write(dir.resolve("disk.img"), content);
    }

    /** Buffers of uneven sizes, direct and heap, as guest memory views come. */
    static ByteBuffer[] pieces(int... sizes) {
        ByteBuffer[] out = new ByteBuffer[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            out[i] = i % 2 == 0 ? ByteBuffer.allocateDirect(sizes[i]) : ByteBuffer.allocate(sizes[i]);
        }
        return out;
    }

    static byte[] joined(ByteBuffer[] buffers) {
        ByteBuffer all = ByteBuffer.allocate(Arrays.stream(buffers).mapToInt(ByteBuffer::capacity).sum());
        for (ByteBuffer b : buffers) {
            all.put(b.duplicate().clear());
        }
        return all.array();
    }

    @Test
    void scatterReadFillsEveryBufferFromThePosition() throws IOException {
        try (BlkBackend backend = BlkBackend.open(image, true, counters)) {
            ByteBuffer[] dsts = pieces(512, 4096, 100, 3996, 1536);
            backend.read(dsts, 3 * 512);
            assertArrayEquals(Arrays.copyOfRange(content, 1536, 1536 + 10240), joined(dsts));
            ByteBuffer[] one = pieces(8192);
            backend.read(one, SIZE - 8192);
            assertArrayEquals(Arrays.copyOfRange(content, SIZE - 8192, SIZE), joined(one));
            ByteBuffer[] withEmpty = pieces(512, 0, 1024, 0); // ends with a buffer that has no room
            backend.read(withEmpty, 512);
            assertArrayEquals(Arrays.copyOfRange(content, 512, 2048), joined(withEmpty));
            backend.read(pieces(0, 0), 0);
        }
    }

    /** More buffers than one scattering read takes: calls of BUFFERS_PER_READ, empty ones and a whole empty call. */
    @Test
    void aLongScatterReadGoesOnFromCallToCall() throws IOException {
        int count = 2 * BlkBackend.BUFFERS_PER_READ + 6;
        int[] sizes = new int[count];
        int total = 0;
        for (int i = 0; i < count; i++) {
            boolean empty = i % 7 == 3 || i == BlkBackend.BUFFERS_PER_READ - 1
                    || i >= BlkBackend.BUFFERS_PER_READ && i < 2 * BlkBackend.BUFFERS_PER_READ;
            sizes[i] = empty ? 0 : 512 + 8 * i;
            total += sizes[i];
        }
        try (BlkBackend backend = BlkBackend.open(image, true, counters)) {
            ByteBuffer[] dsts = pieces(sizes);
            backend.read(dsts, 2048);
            assertArrayEquals(Arrays.copyOfRange(content, 2048, 2048 + total), joined(dsts));
            for (ByteBuffer b : dsts) {
                assertEquals(0, b.remaining());
            }
        }
    }

    /**
     * A scattering read that starts where the last one ended skips the seek; any other starts where asked: after a
     * positional read, a gathering write, a read elsewhere, a failed read and an interrupt that reopened the file.
     */
    @Test
    void everyScatterReadStartsWhereAskedWhetherOrNotItSeeks() throws IOException {
        try (BlkBackend backend = BlkBackend.open(image, false, counters)) {
            long[] positions = { 4096, 4096 + 1536, 4096 + 3072, 512, 512 + 1536 };
            for (long p : positions) {
                ByteBuffer[] dsts = pieces(512, 1024);
                backend.read(dsts, p);
                assertArrayEquals(Arrays.copyOfRange(content, (int) p, (int) p + 1536), joined(dsts), "at " + p);
                backend.read(pieces(100), 0); // positional: the channel's position stays
            }
            ByteBuffer[] srcs = pieces(512, 512);
            backend.write(srcs, 8192); // zeros, where the next read would have started otherwise
            ByteBuffer[] after = pieces(512, 1024);
            backend.read(after, 512 + 3072);
            assertArrayEquals(Arrays.copyOfRange(content, 512 + 3072, 512 + 4608), joined(after));
            assertThrows(EOFException.class, () -> backend.read(pieces(512, 1024), SIZE - 1024));
            ByteBuffer[] next = pieces(512, 512);
            backend.read(next, SIZE - 1024);
            assertArrayEquals(Arrays.copyOfRange(content, SIZE - 1024, SIZE), joined(next));
            Thread.currentThread().interrupt();
            try {
                assertThrows(ClosedByInterruptException.class, () -> backend.read(pieces(512, 512), SIZE));
            } finally {
                assertTrue(Thread.interrupted());
            }
            ByteBuffer[] reopened = pieces(512, 512);
            backend.read(reopened, SIZE - 1024);
            assertArrayEquals(Arrays.copyOfRange(content, SIZE - 1024, SIZE), joined(reopened));
        }
    }

    @Test
    void readingPastTheEndOfTheFileIsAnError() throws IOException {
        try (BlkBackend backend = BlkBackend.open(image, true, counters)) {
            assertThrows(EOFException.class, () -> backend.read(pieces(512, 512), SIZE - 512));
            assertThrows(EOFException.class, () -> backend.read(pieces(1024), SIZE - 512));
            ByteBuffer[] last = pieces(256, 256);
            backend.read(last, SIZE - 512);
            assertArrayEquals(Arrays.copyOfRange(content, SIZE - 512, SIZE), joined(last));
        }
    }

    @Test
    void gatherWriteAndZeroesLandExactlyWhereAsked() throws IOException {
        try (BlkBackend backend = BlkBackend.open(image, false, counters)) {
            ByteBuffer[] srcs = pieces(512, 1024, 512);
            for (ByteBuffer b : srcs) {
                while (b.hasRemaining()) {
                    b.put((byte) 0x5A);
                }
                b.flip();
            }
            backend.write(srcs, 4096);
            backend.write(new ByteBuffer[] { ByteBuffer.wrap(new byte[] { 1, 2, 3 }) }, 10);
            backend.writeZeroes(65536, 600 << 10); // more than the 256 KiB zero buffer
            backend.force(true);
        }
        byte[] expected = content.clone();
        Arrays.fill(expected, 4096, 4096 + 2048, (byte) 0x5A);
        expected[10] = 1;
        expected[11] = 2;
        expected[12] = 3;
        Arrays.fill(expected, 65536, 65536 + (600 << 10), (byte) 0);
        assertArrayEquals(expected, Files.readAllBytes(image));
    }

    @Test
    void aReadOnlyBackendOpensTheFileReadOnlyAndNeverWrites() throws IOException {
        try (BlkBackend backend = BlkBackend.open(image, true, counters)) {
            assertEquals(List.of(OpenFiles.O_RDONLY), OpenFiles.accessModes(image));
            ByteBuffer[] srcs = { ByteBuffer.allocate(512) };
            assertThrows(IOException.class, () -> backend.write(srcs, 0));
            assertThrows(IOException.class, () -> backend.writeZeroes(0, 512));
            assertThrows(IOException.class, () -> backend.force(true));
        }
        assertArrayEquals(content, Files.readAllBytes(image));
        try (BlkBackend backend = BlkBackend.open(image, false, counters)) {
            assertEquals(List.of(OpenFiles.O_RDWR), OpenFiles.accessModes(image));
        }
        assertEquals(List.of(), OpenFiles.accessModes(image));
    }

    /** An interrupt closes a FileChannel for good; the backend opens the file again, in the same mode. */
    @Test
    void anInterruptCostsOneRequestNotTheDisk() throws IOException {
        try (BlkBackend backend = BlkBackend.open(image, true, counters)) {
            Thread.currentThread().interrupt();
            try {
                assertThrows(ClosedByInterruptException.class, () -> backend.read(pieces(512), 0));
            } finally {
                assertTrue(Thread.interrupted());
            }
            ByteBuffer[] dsts = pieces(512, 512);
            backend.read(dsts, 512);
            assertArrayEquals(Arrays.copyOfRange(content, 512, 1536), joined(dsts));
            assertEquals(1, counters.get(Counter.BACKEND_REOPENED));
            assertEquals(List.of(OpenFiles.O_RDONLY), OpenFiles.accessModes(image));
        }
    }

    @Test
    void aClosedBackendStaysClosed() throws IOException {
        BlkBackend backend = BlkBackend.open(image, false, counters);
        backend.close();
        assertThrows(ClosedChannelException.class, () -> backend.read(pieces(512), 0));
        assertThrows(ClosedChannelException.class, () -> backend.force(false));
        assertEquals(0, counters.get(Counter.BACKEND_REOPENED));
        assertEquals(List.of(), OpenFiles.accessModes(image));
    }
}
