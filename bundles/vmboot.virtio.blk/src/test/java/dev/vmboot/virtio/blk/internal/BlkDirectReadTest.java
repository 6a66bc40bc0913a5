package dev.vmboot.virtio.blk.internal;

import static dev.vmboot.virtio.blk.internal.BlkTestBed.EVENT_IDX;
import static dev.vmboot.virtio.blk.internal.BlkTestBed.INDIRECT;
import static dev.vmboot.virtio.blk.internal.BlkTestBed.S_IOERR;
import static dev.vmboot.virtio.blk.internal.BlkTestBed.S_OK;
import static dev.vmboot.virtio.blk.internal.BlkTestBed.T_IN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.LongPredicate;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.vmboot.testkit.MockDriverQueue.Buffer;
import dev.vmboot.testkit.MockDriverQueue.UsedElement;

/**
 * Reads straight into guest RAM: where the machine's memory opens files for that ({@code GuestMemory.openForReads}),
 * a read request is one call of the file with the request's data ranges; a range the file refuses or a file that
 * ends early fails that request alone with IOERR, and the device goes on serving.
 */
class BlkDirectReadTest {
    static final int SECTORS = 64;

    @TempDir
    Path dir;
    Path image;
    byte[] content;
    BlkTestBed bed;
    HeapGuestFile file;

    @BeforeEach
    void image() throws IOException {
        content = new byte[SECTORS * 512];
        new Random(11).nextBytes(content);
        image = Files.write(dir.resolve("disk.img"), content);
    }

    @AfterEach
    void close() {
        if (bed != null) {
            bed.close();
        }
    }

    /** A read-only device whose memory opens {@link HeapGuestFile}s that refuse the addresses {@code outside}. */
    void device(LongPredicate outside) throws IOException {
        bed = new BlkTestBed(image, Map.of(), 16, INDIRECT | EVENT_IDX);
        bed.memory.fileOpener(path -> file = new HeapGuestFile(path, bed.memory, outside));
        bed.activate(16, INDIRECT | EVENT_IDX, UnaryOperator.identity());
    }

    byte[] disk(int from, int length) {
        return Arrays.copyOfRange(content, from, from + length);
    }

    @Test
    void aReadIsOneCallWithTheRequestsDataRangesAndFillsThemByteExact() throws Exception {
        device(a -> false);
        Buffer status = bed.writable(1);
        List<Buffer> into = bed.writablePieces(512, 1, 1535, 1024, 1024);
        int head = bed.submit(bed.header(T_IN, 8), into, status);
        assertEquals(List.of(new UsedElement(head, 4097)), bed.serve());
        assertEquals(S_OK, bed.status(status));
        assertArrayEquals(disk(8 * 512, 4096), bed.bytes(into));
        assertEquals(1, file.calls);
        assertEquals(5, file.lastCount, "one range per data buffer, the status byte not among them");
        assertEquals(5, bed.counter("read_segments"));
    }

    @Test
    void theStatusByteSharingTheLastDataBufferIsNotRead() throws Exception {
        device(a -> false);
        Buffer both = bed.writable(1025); // 1024 bytes of data and the status byte in one buffer
        int head = bed.submit(bed.header(T_IN, 2), both);
        assertEquals(List.of(new UsedElement(head, 1025)), bed.serve());
        byte[] got = bed.bytes(both);
        assertArrayEquals(disk(1024, 1024), Arrays.copyOf(got, 1024));
        assertEquals(S_OK, got[1024]);
        assertEquals(1, file.lastCount);
    }

    @Test
    void aRangeTheFileRefusesFailsThatRequestWithIoErrAndNothingElse() throws Exception {
        long[] refused = { -1 };
        device(a -> a == refused[0]);
        Buffer status = bed.writable(1);
        List<Buffer> into = bed.writablePieces(512, 512);
        refused[0] = into.get(1).address();
        byte[] before = bed.bytes(into.get(0));
        int head = bed.submit(bed.header(T_IN, 4), into, status);
        assertEquals(List.of(new UsedElement(head, 1)), bed.serve());
        assertEquals(S_IOERR, bed.status(status));
        assertArrayEquals(before, bed.bytes(into.get(0)), "nothing was read into the first range either");
        assertEquals(1, bed.counter("guest_memory_errors"));

        refused[0] = -1;
        Buffer again = bed.writable(1);
        List<Buffer> data = bed.writablePieces(700, 324);
        int next = bed.submit(bed.header(T_IN, 2), data, again);
        assertEquals(List.of(new UsedElement(next, 1025)), bed.serve());
        assertEquals(S_OK, bed.status(again));
        assertArrayEquals(disk(1024, 1024), bed.bytes(data));
    }

    @Test
    void aFileThatEndsBeforeTheRequestDoesFailsItWithIoErr() throws Exception {
        device(a -> false);
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(4 * 512); // shrunk behind the device's back: the capacity still says 64 sectors
        }
        Buffer status = bed.writable(1);
        int head = bed.submit(bed.header(T_IN, 2), bed.writablePieces(2048), status);
        assertEquals(List.of(new UsedElement(head, 1)), bed.serve());
        assertEquals(S_IOERR, bed.status(status));
        assertEquals(1, bed.counter("backend_errors"));
    }

    @Test
    void resetClosesTheFileAndAnotherActivationOpensItAgain() throws Exception {
        device(a -> false);
        HeapGuestFile first = file;
        bed.device.reset();
        assertTrue(first.closed);
        bed.activate(16, INDIRECT | EVENT_IDX, UnaryOperator.identity());
        assertTrue(file != first && !file.closed);
        bed.device.close();
        assertTrue(file.closed);
    }
}
