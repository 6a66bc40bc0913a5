package dev.vmboot.fs.iso9660.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.vmboot.api.fs.DirectoryBudget;
import dev.vmboot.api.fs.DirectoryBudgetException;
import dev.vmboot.api.fs.FsNode;
import dev.vmboot.api.fs.FsPaths;
import dev.vmboot.testkit.MemoryBlockDevice;
import dev.vmboot.testkit.VolumeBudgetAssertions;

/**
 * ISO9660 directories larger than any real one, made from the directories genisoimage recorded in a plain image by
 * pointing their records elsewhere: HUGE and MANY at sectors appended to the image and packed with file records (HUGE
 * at more than {@link DirectoryBudget#RECORDS_PER_DIRECTORY} of them, MANY at some 50,000), and 129 directories, one
 * more than the reader caches, at overlapping 32 MiB runs of zeros that start one sector apart, so that listing them in
 * turn reads each again every time.
 */
class IsoHugeDirectoryTest {
    private static final int SECTOR = IsoVolume.BLOCK_SIZE;
    private static final int DIRECTORIES = 129;
    /** A file record: the fixed part and a 7-byte identifier ("12345;1"), of odd length, so without padding. */
    private static final int RECORD = DirectoryRecord.FIXED_LENGTH + 7;
    private static final int RECORDS_PER_SECTOR = SECTOR / RECORD;
    private static final int HUGE_SECTORS = DirectoryBudget.RECORDS_PER_DIRECTORY / RECORDS_PER_SECTOR + 1;
    private static final int MANY_SECTORS = 50_000 / RECORDS_PER_SECTOR + 1;
    private static final int ZERO_DIRECTORY = IsoVolume.MAX_DIRECTORY_BYTES;

    @TempDir
    static Path work;
    static byte[] image;
    static long deviceSize;

    @BeforeAll
    static void build() throws IOException {
        Path tree = work.resolve("tree");
        Files.createDirectories(tree.resolve("huge"));
        Files.createDirectories(tree.resolve("many"));
        for (int i = 0; i < DIRECTORIES; i++) {
            Files.createDirectories(tree.resolve(String.format("d%03d", i)));
        }
        byte[] built = Files.readAllBytes(IsoImages.genisoimage(work.resolve("plain.iso"), tree, "-V", "HUGE"));
        int recordsAt = built.length;
        image = Arrays.copyOf(built, recordsAt + HUGE_SECTORS * SECTOR);
        long zerosAt = image.length;
        deviceSize = zerosAt + ZERO_DIRECTORY + DIRECTORIES * SECTOR;
        List<IsoNode> dirs = new ArrayList<>();
        IsoNode huge;
        IsoNode many;
        try (IsoFileSystem fs = open()) {
            huge = (IsoNode) FsPaths.resolve(fs, "/HUGE");
            many = (IsoNode) FsPaths.resolve(fs, "/MANY");
            for (int i = 0; i < DIRECTORIES; i++) {
                dirs.add((IsoNode) FsPaths.resolve(fs, String.format("/D%03d", i)));
            }
        }
        // File records, each as long as the fixed part and its name, with the recording date and volume sequence
        // number of HUGE's own record, packed into every sector (the rest of each sector stays zero).
        int template = (int) huge.recordOffset();
        int name = 0;
        for (int sector = 0; sector < HUGE_SECTORS; sector++) {
            for (int r = 0; r < RECORDS_PER_SECTOR; r++) {
                int at = recordsAt + sector * SECTOR + r * RECORD;
                image[at] = (byte) RECORD;
                IsoCorruptionTest.putBoth32(image, at + 2, 0);
                IsoCorruptionTest.putBoth32(image, at + 10, 0);
                System.arraycopy(image, template + 18, image, at + 18, 7);
                System.arraycopy(image, template + 28, image, at + 28, 4);
                image[at + 32] = 7;
                byte[] id = String.format("%05X;1", name++).getBytes(StandardCharsets.US_ASCII);
                System.arraycopy(id, 0, image, at + DirectoryRecord.FIXED_LENGTH, id.length);
            }
        }
        point(huge, recordsAt / SECTOR, HUGE_SECTORS * SECTOR);
        point(many, recordsAt / SECTOR, MANY_SECTORS * SECTOR);
        for (int i = 0; i < DIRECTORIES; i++) {
            point(dirs.get(i), zerosAt / SECTOR + i, ZERO_DIRECTORY);
        }
    }

    private static void point(IsoNode directory, long block, long length) {
        IsoCorruptionTest.putBoth32(image, (int) directory.recordOffset() + 2, block);
        IsoCorruptionTest.putBoth32(image, (int) directory.recordOffset() + 10, length);
    }

    private static IsoFileSystem open() throws IOException {
        return IsoFileSystem.open(MemoryBlockDevice.sparse(image, deviceSize));
    }

    @Test
    void aDirectoryOfFiftyThousandEntriesLists() throws IOException {
        try (IsoFileSystem fs = open()) {
            assertEquals(MANY_SECTORS * RECORDS_PER_SECTOR, fs.list(FsPaths.resolve(fs, "/MANY")).size());
        }
    }

    @Test
    void aDirectoryOfMoreRecordsThanTheBoundIsRefusedNamingIt() throws IOException {
        assertTrue((long) HUGE_SECTORS * SECTOR < IsoVolume.MAX_DIRECTORY_BYTES, "within the data length bound");
        try (IsoFileSystem fs = open()) {
            FsNode huge = FsPaths.resolve(fs, "/HUGE");
            DirectoryBudgetException e = assertThrows(DirectoryBudgetException.class, () -> fs.list(huge));
            assertEquals(DirectoryBudgetException.Scope.DIRECTORY, e.scope());
            assertEquals("ISO9660 directory \"HUGE\" has more than 262144 records (entries, deleted entries and free"
                    + " space), the most vmboot reads in one directory", e.getMessage());
            assertThrows(DirectoryBudgetException.class, () -> FsPaths.resolve(fs, "/HUGE/00000"));
            assertEquals(MANY_SECTORS * RECORDS_PER_SECTOR, fs.list(FsPaths.resolve(fs, "/MANY")).size(),
                    "other directories still list");
        }
    }

    /**
     * 129 directories of 32 MiB listed in turn: each listing reads one again, and the volume's 4 GiB of directory
     * data are spent after 128 of them.
     */
    @Test
    void directoriesReadAgainAndAgainStopAtTheVolumeBound() throws IOException {
        try (IsoFileSystem fs = open()) {
            List<FsNode> dirs = new ArrayList<>();
            for (int i = 0; i < DIRECTORIES; i++) {
                dirs.add(FsPaths.resolve(fs, String.format("/D%03d", i)));
            }
            VolumeBudgetAssertions.assertListingInTurnStopsAtTheVolumeBound(fs, dirs,
                    DirectoryBudget.BYTES_PER_VOLUME / ZERO_DIRECTORY, "ISO9660 directory \"D");
            FsNode many = FsPaths.resolve(fs, "/MANY");
            DirectoryBudgetException spent = assertThrows(DirectoryBudgetException.class, () -> fs.list(many));
            assertEquals(DirectoryBudgetException.Scope.VOLUME, spent.scope(), "the volume's budget stays spent");
        }
    }
}
