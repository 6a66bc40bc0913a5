package dev.vmboot.virtio.blk.internal;

import static dev.vmboot.virtio.blk.internal.BlkTestBed.EVENT_IDX;
import static dev.vmboot.virtio.blk.internal.BlkTestBed.FLUSH;
import static dev.vmboot.virtio.blk.internal.BlkTestBed.INDIRECT;
import static dev.vmboot.virtio.blk.internal.BlkTestBed.S_IOERR;
import static dev.vmboot.virtio.blk.internal.BlkTestBed.S_OK;
import static dev.vmboot.virtio.blk.internal.BlkTestBed.S_UNSUPP;
import static dev.vmboot.virtio.blk.internal.BlkTestBed.T_DISCARD;
import static dev.vmboot.virtio.blk.internal.BlkTestBed.T_FLUSH;
import static dev.vmboot.virtio.blk.internal.BlkTestBed.T_GET_ID;
import static dev.vmboot.virtio.blk.internal.BlkTestBed.T_IN;
import static dev.vmboot.virtio.blk.internal.BlkTestBed.T_OUT;
import static dev.vmboot.virtio.blk.internal.BlkTestBed.T_WRITE_ZEROES;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.vmboot.testkit.MockDriverQueue.Buffer;
import dev.vmboot.testkit.MockDriverQueue.UsedElement;

/**
 * Seeded random requests, valid and not, against a model of the disk (after Firecracker's
 * {@code random_request_parse}, but through the whole device): each request's expected status, used length and data
 * are worked out from the model when it is submitted; the device must match them, and the image must match the model
 * at the end.
 */
class VirtioBlkModelTest {
    static final int SECTORS = 512;
    static final int QUEUE = 16;
    static final int BATCHES = 150;
    static final String SERIAL = "model-serial";

    @TempDir
    Path dir;

    /** One submitted request and what it must come back with. */
    record Expected(String what, int head, long used, Buffer status, byte statusValue, List<Buffer> into,
            byte[] data) {
    }

    @ParameterizedTest
    @ValueSource(booleans = { false, true })
    void randomRequestsMatchTheModel(boolean readOnly) throws Exception {
        Random random = new Random(readOnly ? 2024 : 2025);
        byte[] model = new byte[SECTORS * 512];
        random.nextBytes(model);
        Path image = Files.write(dir.resolve("disk.img"), model);
        try (BlkTestBed bed = new BlkTestBed(image, Map.of("readonly", Boolean.toString(readOnly), "serial", SERIAL),
                QUEUE, INDIRECT | EVENT_IDX | FLUSH)) {
            for (int batch = 0; batch < BATCHES; batch++) {
                bed.rewind();
                List<Expected> expected = new ArrayList<>();
                int count = 1 + random.nextInt(QUEUE);
                for (int i = 0; i < count && bed.freeDescriptors() > 0; i++) {
                    expected.add(submit(bed, random, model, readOnly));
                }
                count = expected.size();
                List<UsedElement> used = bed.serve();
                assertEquals(count, used.size());
                for (int i = 0; i < count; i++) {
                    Expected e = expected.get(i);
                    String where = "batch " + batch + " request " + i + ": " + e.what();
                    assertEquals(new UsedElement(e.head(), e.used()), used.get(i), where);
                    if (e.status() != null) {
                        assertEquals(e.statusValue(), bed.status(e.status()), where);
                    }
                    if (e.data() != null) {
                        assertArrayEquals(e.data(), bed.bytes(e.into()), where);
                    }
                }
            }
            assertArrayEquals(model, Files.readAllBytes(image));
            for (String outcome : List.of("read_requests", "write_requests", "write_zeroes_requests",
                    "flush_requests", "get_id_requests", "discard_requests", "refused_beyond_capacity",
                    "refused_partial_sector", "refused_unsupported_type", "refused_no_status_byte",
                    "refused_header_too_short", readOnly ? "refused_read_only" : "write_bytes")) {
                assertTrue(bed.counter(outcome) >= 10, () -> outcome + " too rare: " + bed.device.counters());
            }
        }
    }

    /** Submits one random request; applies it to the model if it must succeed; returns what it must give. */
    static Expected submit(BlkTestBed bed, Random random, byte[] model, boolean readOnly) {
        Buffer status = bed.writable(1);
        int sectors = random.nextInt(17);
        long sector = random.nextInt(SECTORS - sectors + 1);
        int length = sectors * 512;
        switch (random.nextInt(12)) {
            case 0, 1, 2 -> { // a good read
                List<Buffer> into = bed.writablePieces(cut(random, length));
                int head = bed.submit(bed.header(T_IN, sector), into, status);
                byte[] data = Arrays.copyOfRange(model, (int) sector * 512, (int) sector * 512 + length);
                return new Expected("read", head, length + 1, status, S_OK, into, data);
            }
            case 3, 4, 5 -> { // a good write, refused on a read-only disk
                byte[] data = new byte[length];
                random.nextBytes(data);
                int head = bed.submit(bed.header(T_OUT, sector), bed.readablePieces(data, cuts(random, length)),
                        status);
                if (readOnly) {
                    return new Expected("write (read-only)", head, 1, status, S_IOERR, null, null);
                }
                System.arraycopy(data, 0, model, (int) sector * 512, length);
                return new Expected("write", head, 1, status, S_OK, null, null);
            }
            case 6 -> { // write zeroes
                int head = bed.submit(bed.header(T_WRITE_ZEROES, 0), bed.segment(sector, sectors, random.nextInt(2)),
                        status);
                if (readOnly) {
                    return new Expected("write zeroes (read-only)", head, 1, status, S_IOERR, null, null);
                }
                Arrays.fill(model, (int) sector * 512, (int) sector * 512 + length, (byte) 0);
                return new Expected("write zeroes", head, 1, status, S_OK, null, null);
            }
            case 7 -> { // flush or get id
                if (random.nextBoolean()) {
                    return new Expected("flush", bed.submit(bed.header(T_FLUSH, 0), status), 1, status, S_OK, null,
                            null);
                }
                int idLength = random.nextInt(25);
                Buffer id = bed.writable(idLength);
                int head = bed.submit(bed.header(T_GET_ID, 0), id, status);
                int copied = Math.min(idLength, 20);
                byte[] expected = Arrays.copyOf(Arrays.copyOf(SERIAL.getBytes(StandardCharsets.US_ASCII), 20),
                        copied);
                byte[] whole = Arrays.copyOf(expected, idLength);
                Arrays.fill(whole, copied, idLength, BlkTestBed.S_UNWRITTEN);
                return new Expected("get id " + idLength, head, copied + 1, status, S_OK, List.of(id), whole);
            }
            case 8 -> { // past the end
                long past = SECTORS - random.nextInt(Math.max(1, sectors)) + (sectors == 0 ? 1 : 0);
                int head = bed.submit(bed.header(T_IN, past), bed.writablePieces(cut(random, length)), status);
                return new Expected("read past the end", head, 1, status, S_IOERR, null, null);
            }
            case 9 -> { // not whole sectors
                int odd = length + 1 + random.nextInt(511);
                int head = bed.submit(bed.header(T_IN, 0), bed.writable(odd), status);
                return new Expected("partial sector", head, 1, status, S_IOERR, null, null);
            }
            case 10 -> { // unknown type, or discard (not offered; a write for a read-only disk)
                boolean discard = random.nextBoolean();
                int head = bed.submit(bed.header(discard ? T_DISCARD : 3 + random.nextInt(4) * 3, sector),
                        bed.segment(sector, sectors, 0), status);
                byte s = discard && readOnly ? S_IOERR : S_UNSUPP;
                return new Expected(discard ? "discard" : "unknown type", head, 1, status, s, null, null);
            }
            default -> { // no status byte, or a header too short
                if (random.nextBoolean()) {
                    int head = bed.submit(bed.header(T_IN, sector), bed.readable(new byte[1 + random.nextInt(8)]));
                    return new Expected("no status byte", head, 0, null, (byte) 0, null, null);
                }
                int head = bed.submit(bed.readable(new byte[random.nextInt(16)]), status);
                return new Expected("short header", head, 1, status, S_IOERR, null, null);
            }
        }
    }

    /** 1 to 4 piece lengths adding up to {@code length} (a single piece when it is 0). */
    static int[] cut(Random random, int length) {
        int[] offsets = cuts(random, length);
        int[] lengths = new int[offsets.length + 1];
        int from = 0;
        for (int i = 0; i < offsets.length; i++) {
            lengths[i] = offsets[i] - from;
            from = offsets[i];
        }
        lengths[offsets.length] = length - from;
        return lengths;
    }

    /** 0 to 3 distinct, increasing offsets strictly inside {@code (0, length)}. */
    static int[] cuts(Random random, int length) {
        if (length < 2) {
            return new int[0];
        }
        return random.ints(random.nextInt(4), 1, length).distinct().sorted().toArray();
    }
}
