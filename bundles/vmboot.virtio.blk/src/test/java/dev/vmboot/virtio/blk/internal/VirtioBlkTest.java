package dev.vmboot.virtio.blk.internal;

import static dev.vmboot.virtio.blk.internal.BlkTestBed.EVENT_IDX;
import static dev.vmboot.virtio.blk.internal.BlkTestBed.FLUSH;
import static dev.vmboot.virtio.blk.internal.BlkTestBed.INDIRECT;
import static dev.vmboot.virtio.blk.internal.BlkTestBed.S_IOERR;
import static dev.vmboot.virtio.blk.internal.BlkTestBed.S_OK;
import static dev.vmboot.virtio.blk.internal.BlkTestBed.S_UNSUPP;
import static dev.vmboot.virtio.blk.internal.BlkTestBed.S_UNWRITTEN;
import static dev.vmboot.virtio.blk.internal.BlkTestBed.T_DISCARD;
import static dev.vmboot.virtio.blk.internal.BlkTestBed.T_FLUSH;
import static dev.vmboot.virtio.blk.internal.BlkTestBed.T_GET_ID;
import static dev.vmboot.virtio.blk.internal.BlkTestBed.T_IN;
import static dev.vmboot.virtio.blk.internal.BlkTestBed.T_OUT;
import static dev.vmboot.virtio.blk.internal.BlkTestBed.T_WRITE_ZEROES;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.vmboot.testkit.MockDriverQueue.Buffer;
import dev.vmboot.testkit.MockDriverQueue.UsedElement;

/**
 * The device driven through the real {@code SplitVirtqueue} by a {@code MockDriverQueue}, over a temporary image
 * file: what each request does to the file, to guest memory, to the status byte and to the used length. Every test
 * of a bad request ends with a good one served (the device keeps serving a hostile driver).
 */
class VirtioBlkTest {
    static final int SECTORS = 2048; // 1 MiB
    static final int QUEUE = 16;

    @TempDir
    Path dir;
    Path image;
    byte[] content;
    BlkTestBed bed;

    @BeforeEach
    void image() throws IOException {
        content = new byte[SECTORS * 512];
        new Random(5).nextBytes(content);
        image = Files.write(dir.resolve("disk.img"), content);
    }

    @AfterEach
    void close() {
        if (bed != null) {
            bed.close();
        }
    }

    BlkTestBed writable() throws IOException {
        bed = new BlkTestBed(image, Map.of("readonly", "false", "serial", "VMBOOT-SERIAL-00042"), QUEUE,
                INDIRECT | EVENT_IDX | FLUSH);
        return bed;
    }

    BlkTestBed readOnly() throws IOException {
        bed = new BlkTestBed(image, Map.of(), QUEUE, INDIRECT | EVENT_IDX);
        return bed;
    }

    byte[] disk(long from, int length) throws IOException {
        return Arrays.copyOfRange(Files.readAllBytes(image), (int) from, (int) from + length);
    }

    static byte[] sha256(Path file) throws IOException {
        try {
            return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** The hostile-driver rule: after whatever came before, a good read of sectors 2-3 is served, byte-exact. */
    void assertStillServes() throws Exception {
        Buffer status = bed.writable(1);
        List<Buffer> data = bed.writablePieces(700, 324);
        int head = bed.submit(bed.header(T_IN, 2), data, status);
        assertEquals(List.of(new UsedElement(head, 1025)), bed.serve());
        assertEquals(S_OK, bed.status(status));
        assertArrayEquals(disk(1024, 1024), bed.bytes(data));
    }

    @Test
    void writeThenReadRoundTripsByteExactThroughManyDescriptors() throws Exception {
        writable();
        byte[] data = new byte[4096];
        new Random(1).nextBytes(data);
        Buffer writeStatus = bed.writable(1);
        int w = bed.submit(bed.header(T_OUT, 8), bed.readablePieces(data, 1, 513, 2000), writeStatus);
        assertEquals(List.of(new UsedElement(w, 1)), bed.serve());
        assertEquals(S_OK, bed.status(writeStatus));
        byte[] expected = content.clone();
        System.arraycopy(data, 0, expected, 8 * 512, 4096);
        assertArrayEquals(expected, Files.readAllBytes(image));

        Buffer readStatus = bed.writable(1);
        List<Buffer> into = bed.writablePieces(512, 1, 1535, 1024, 1024);
        int r = bed.submit(bed.header(T_IN, 8), into, readStatus);
        assertEquals(List.of(new UsedElement(r, 4097)), bed.serve());
        assertEquals(S_OK, bed.status(readStatus));
        assertArrayEquals(data, bed.bytes(into));
        assertEquals(1, bed.counter("read_requests"));
        assertEquals(4096, bed.counter("read_bytes"));
        assertEquals(5, bed.counter("read_segments"), "the data went into five guest buffers");
        assertEquals(1, bed.counter("write_requests"));
        assertEquals(4096, bed.counter("write_bytes"));
        assertStillServes();
    }

    @Test
    void headerDataAndStatusMayShareOrSplitDescriptors() throws Exception {
        readOnly();
        // the header cut in two, the status as the last byte of the data's descriptor
        Buffer header = bed.header(T_IN, SECTORS - 1);
        Buffer dataAndStatus = bed.writable(513);
        int head = bed.submit(Buffer.readable(header.address(), 5), Buffer.readable(header.address() + 5, 11),
                dataAndStatus);
        assertEquals(List.of(new UsedElement(head, 513)), bed.serve());
        byte[] got = bed.bytes(dataAndStatus);
        assertArrayEquals(disk((SECTORS - 1) * 512L, 512), Arrays.copyOf(got, 512));
        assertEquals(S_OK, got[512]);
        assertStillServes();
    }

    @Test
    void anIndirectChainIsServedLikeADirectOne() throws Exception {
        readOnly();
        Buffer status = bed.writable(1);
        List<Buffer> data = bed.writablePieces(512, 512, 512);
        int head = bed.driver.addIndirectChain(BlkTestBed.TABLES, BlkTestBed.flatten(bed.header(T_IN, 100), data,
                status).toArray(Buffer[]::new));
        bed.driver.publish();
        assertEquals(List.of(new UsedElement(head, 1537)), bed.serve());
        assertArrayEquals(disk(100 * 512, 1536), bed.bytes(data));
        assertEquals(S_OK, bed.status(status));
    }

    @Test
    void getIdFillsTwentyBytesOrWhatTheBufferHolds() throws Exception {
        writable();
        Buffer full = bed.writable(20);
        Buffer fullStatus = bed.writable(1);
        int a = bed.submit(bed.header(T_GET_ID, 0), full, fullStatus);
        Buffer shortId = bed.writable(7);
        Buffer shortStatus = bed.writable(1);
        int b = bed.submit(bed.header(T_GET_ID, 0), shortId, shortStatus);
        assertEquals(List.of(new UsedElement(a, 21), new UsedElement(b, 8)), bed.serve());
        assertArrayEquals(Arrays.copyOf("VMBOOT-SERIAL-00042".getBytes(StandardCharsets.US_ASCII), 20),
                bed.bytes(full));
        assertArrayEquals("VMBOOT-".getBytes(StandardCharsets.US_ASCII), bed.bytes(shortId));
        assertEquals(S_OK, bed.status(fullStatus));
        assertEquals(S_OK, bed.status(shortStatus));
        assertEquals(2, bed.counter("get_id_requests"));
        assertStillServes();
    }

    @Test
    void flushWithoutDataCompletes() throws Exception {
        writable();
        Buffer status = bed.writable(1);
        int head = bed.submit(bed.header(T_FLUSH, 0), status);
        assertEquals(List.of(new UsedElement(head, 1)), bed.serve());
        assertEquals(S_OK, bed.status(status));
        assertEquals(1, bed.counter("flush_requests"));
        assertEquals(0, bed.counter("sync_writes"));
        assertStillServes();
    }

    @Test
    void sectorsPastTheCapacityGetIoErrAndNothingIsRead() throws Exception {
        readOnly();
        Buffer data = bed.writable(1024);
        Buffer status = bed.writable(1);
        int head = bed.submit(bed.header(T_IN, SECTORS - 1), data, status);
        assertEquals(List.of(new UsedElement(head, 1)), bed.serve());
        assertEquals(S_IOERR, bed.status(status));
        byte[] untouched = new byte[1024];
        Arrays.fill(untouched, S_UNWRITTEN);
        assertArrayEquals(untouched, bed.bytes(data));
        assertEquals(1, bed.counter("refused_beyond_capacity"));
        assertEquals(1, bed.counter("ioerr"));
        assertStillServes();
    }

    @Test
    void aLengthThatIsNotWholeSectorsGetsIoErr() throws Exception {
        writable();
        Buffer status = bed.writable(1);
        int head = bed.submit(bed.header(T_OUT, 0), bed.readable(new byte[1000]), status);
        assertEquals(List.of(new UsedElement(head, 1)), bed.serve());
        assertEquals(S_IOERR, bed.status(status));
        assertArrayEquals(content, Files.readAllBytes(image));
        assertEquals(1, bed.counter("refused_partial_sector"));
        assertStillServes();
    }

    @Test
    void writesToAReadOnlyDiskGetIoErrAndLeaveTheImageByteIdentical() throws Exception {
        byte[] before = sha256(image);
        readOnly();
        Buffer out = bed.writable(1);
        Buffer zeroes = bed.writable(1);
        Buffer discard = bed.writable(1);
        Buffer flush = bed.writable(1);
        int a = bed.submit(bed.header(T_OUT, 0), bed.readable(new byte[4096]), out);
        int b = bed.submit(bed.header(T_WRITE_ZEROES, 0), bed.segment(0, 64, 0), zeroes);
        int c = bed.submit(bed.header(T_DISCARD, 0), bed.segment(0, 64, 0), discard);
        int d = bed.submit(bed.header(T_FLUSH, 0), flush);
        assertEquals(List.of(new UsedElement(a, 1), new UsedElement(b, 1), new UsedElement(c, 1),
                new UsedElement(d, 1)), bed.serve());
        assertEquals(S_IOERR, bed.status(out));
        assertEquals(S_IOERR, bed.status(zeroes));
        assertEquals(S_IOERR, bed.status(discard));
        assertEquals(S_OK, bed.status(flush)); // nothing volatile to commit
        assertEquals(3, bed.counter("refused_read_only"));
        bed.close();
        bed = null;
        assertArrayEquals(before, sha256(image));
        readOnly();
        assertStillServes();
    }

    @Test
    void writeZeroesZeroesTheRangeWithOrWithoutUnmap() throws Exception {
        writable();
        Buffer a = bed.writable(1);
        Buffer b = bed.writable(1);
        int ha = bed.submit(bed.header(T_WRITE_ZEROES, 0), bed.segment(10, 3, 0), a);
        int hb = bed.submit(bed.header(T_WRITE_ZEROES, 0), bed.segment(SECTORS - 1, 1, 1), b);
        assertEquals(List.of(new UsedElement(ha, 1), new UsedElement(hb, 1)), bed.serve());
        assertEquals(S_OK, bed.status(a));
        assertEquals(S_OK, bed.status(b));
        byte[] expected = content.clone();
        Arrays.fill(expected, 10 * 512, 13 * 512, (byte) 0);
        Arrays.fill(expected, (SECTORS - 1) * 512, SECTORS * 512, (byte) 0);
        assertArrayEquals(expected, Files.readAllBytes(image));
        assertEquals(4 * 512, bed.counter("write_zeroes_bytes"));
        assertStillServes();
    }

    @Test
    void discardIsUnsupportedAndUnknownWriteZeroesFlagsToo() throws Exception {
        writable();
        Buffer discard = bed.writable(1);
        Buffer flags = bed.writable(1);
        Buffer unknown = bed.writable(1);
        bed.submit(bed.header(T_DISCARD, 0), bed.segment(0, 8, 0), discard);
        bed.submit(bed.header(T_WRITE_ZEROES, 0), bed.segment(0, 8, 0x8000_0000), flags);
        bed.submit(bed.header(14, 0), bed.segment(0, 8, 0), unknown); // SECURE_ERASE, not offered
        assertEquals(3, bed.serve().size());
        assertEquals(S_UNSUPP, bed.status(discard));
        assertEquals(S_UNSUPP, bed.status(flags));
        assertEquals(S_UNSUPP, bed.status(unknown));
        assertEquals(3, bed.counter("unsupp"));
        assertEquals(1, bed.counter("discard_requests"));
        assertArrayEquals(content, Files.readAllBytes(image));
        assertStillServes();
    }

    @Test
    void aChainWithoutAWritableByteGoesBackWithLengthZero() throws Exception {
        readOnly();
        int head = bed.submit(bed.header(T_IN, 0), bed.readable(new byte[1]));
        assertEquals(List.of(new UsedElement(head, 0)), bed.serve());
        assertEquals(1, bed.counter("no_status"));
        assertEquals(1, bed.counter("refused_no_status_byte"));
        assertStillServes();
    }

    @Test
    void aShortHeaderGetsIoErr() throws Exception {
        readOnly();
        Buffer status = bed.writable(513);
        int head = bed.submit(bed.readable(new byte[15]), status);
        assertEquals(List.of(new UsedElement(head, 1)), bed.serve());
        assertEquals(S_IOERR, bed.status(status));
        assertEquals(1, bed.counter("refused_header_too_short"));
        assertStillServes();
    }

    @Test
    void anUnknownTypeIsUnsupported() throws Exception {
        readOnly();
        Buffer status = bed.writable(1);
        int head = bed.submit(bed.header(10, 0), bed.writable(8), status); // GET_LIFETIME
        assertEquals(List.of(new UsedElement(head, 1)), bed.serve());
        assertEquals(S_UNSUPP, bed.status(status));
        assertStillServes();
    }
}
