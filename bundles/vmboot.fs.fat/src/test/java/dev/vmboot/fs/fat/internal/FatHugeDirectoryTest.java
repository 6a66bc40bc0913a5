package dev.vmboot.fs.fat.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.vmboot.api.fs.CorruptFilesystemException;
import dev.vmboot.api.fs.DirectoryBudget;
import dev.vmboot.api.fs.FsNode;
import dev.vmboot.api.fs.FsPaths;
import dev.vmboot.testkit.MemoryBlockDevice;
import dev.vmboot.testkit.VolumeBudgetAssertions;

/**
 * FAT directories as large as the format allows (fatgen103: 65,536 entries, 2 MiB), made from directories mmd created
 * on a 512 MiB FAT32 volume with 4 KiB clusters by linking each one's first cluster to a 511-cluster tail in the FAT:
 * one tail full of 8.3 entries, and one of zeros shared by 129 directories, one more than the reader caches, so that
 * listing them in turn reads each again every time.
 */
class FatHugeDirectoryTest {
    private static final long VOLUME = 512L << 20;
    /** What the array holds of the volume; the rest, the zero tail included, reads as zeros. */
    private static final int STORED = 8 << 20;
    private static final int CLUSTER = 4096;
    /** 2 MiB of 4 KiB clusters: the most a directory may have. */
    private static final int CLUSTERS = 512;
    private static final int DIRECTORIES = 129;
    private static final long FULL_TAIL = 1000;
    private static final long ZERO_TAIL = 2000;
    /** FAT32 end-of-chain mark (fatgen103). */
    private static final int END_OF_CHAIN = 0x0FFF_FFFF;

    @TempDir
    static Path work;
    static byte[] image;
    static FatBootSector boot;

    @BeforeAll
    static void build() throws IOException {
        Path img = FatImages.mkfs(work.resolve("big.img"), 32, VOLUME, "-S", "512", "-s", "8");
        List<String> mmd = new ArrayList<>(List.of("mmd", "-i", img.toString(), "::full"));
        for (int i = 0; i < DIRECTORIES; i++) {
            mmd.add(String.format("::d%03d", i));
        }
        FatImages.runMtools(mmd.toArray(String[]::new));
        image = new byte[STORED];
        try (RandomAccessFile f = new RandomAccessFile(img.toFile(), "r")) {
            f.readFully(image);
        }
        FatFileSystem fs = open(image);
        boot = fs.bootSector();
        assertEquals(CLUSTER, boot.clusterSize());
        assertTrue(boot.clusterOffset(FULL_TAIL + CLUSTERS) <= STORED, "the full tail is stored");
        assertTrue(boot.clusterOffset(ZERO_TAIL) >= STORED, "the zero tail is not");
        for (long c = FULL_TAIL; c < FULL_TAIL + CLUSTERS; c++) {
            assertEquals(0, fat(image, c), "cluster " + c + " is free");
        }
        // The tails: each cluster linked to the next, the last one ending the chain.
        for (long tail : new long[] {FULL_TAIL, ZERO_TAIL}) {
            for (long c = tail; c < tail + CLUSTERS - 2; c++) {
                setFat(image, c, c + 1);
            }
            setFat(image, tail + CLUSTERS - 2, END_OF_CHAIN);
        }
        long full = first(fs, "/full");
        setFat(image, full, FULL_TAIL);
        // After '.' and '..', every slot of the first cluster and of the tail holds an entry.
        byte[] entry = "FILE    BIN".getBytes(StandardCharsets.US_ASCII);
        for (long at = boot.clusterOffset(full) + 64; at < boot.clusterOffset(full) + CLUSTER; at += 32) {
            put(image, at, entry);
        }
        for (long at = boot.clusterOffset(FULL_TAIL); at < boot.clusterOffset(FULL_TAIL + CLUSTERS - 1); at += 32) {
            put(image, at, entry);
        }
        for (int i = 0; i < DIRECTORIES; i++) {
            setFat(image, first(fs, String.format("/d%03d", i)), ZERO_TAIL);
        }
    }

    private static FatFileSystem open(byte[] data) throws IOException {
        return FatFileSystem.open(MemoryBlockDevice.sparse(data, VOLUME));
    }

    private static long first(FatFileSystem fs, String path) throws IOException {
        return ((FatNode) FsPaths.resolve(fs, path)).firstCluster();
    }

    private static long fat(byte[] b, long cluster) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt((int) (boot.fatOffset() + 4 * cluster));
    }

    private static void setFat(byte[] b, long cluster, long next) {
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt((int) (boot.fatOffset() + 4 * cluster), (int) next);
    }

    /** An 8.3 entry: the name, ATTR_ARCHIVE, no cluster, size 0. */
    private static void put(byte[] b, long at, byte[] name) {
        System.arraycopy(name, 0, b, (int) at, 11);
        b[(int) at + 11] = 0x20;
    }

    @Test
    void aDirectoryOfTheMost65536EntriesListsAndOneClusterMoreIsRefused() throws IOException {
        FatFileSystem fs = open(image);
        assertEquals(CLUSTERS * CLUSTER / 32 - 2, fs.list(FsPaths.resolve(fs, "/full")).size(),
                "every slot but '.' and '..'");
        byte[] longer = image.clone();
        setFat(longer, FULL_TAIL + CLUSTERS - 2, FULL_TAIL + CLUSTERS - 1);
        setFat(longer, FULL_TAIL + CLUSTERS - 1, END_OF_CHAIN);
        FatFileSystem tooLong = open(longer);
        FsNode dir = FsPaths.resolve(tooLong, "/full");
        CorruptFilesystemException e = assertThrows(CorruptFilesystemException.class, () -> tooLong.list(dir));
        assertTrue(e.getMessage().contains("longer than 512 clusters"), e.getMessage());
    }

    /**
     * 129 directories of 2 MiB listed in turn: each listing reads one again, and the volume's 4 GiB of directory data
     * are spent after some 2,048 of them.
     */
    @Test
    void directoriesReadAgainAndAgainStopAtTheVolumeBound() throws IOException {
        FatFileSystem fs = open(image);
        List<FsNode> dirs = new ArrayList<>();
        for (int i = 0; i < DIRECTORIES; i++) {
            dirs.add(FsPaths.resolve(fs, String.format("/d%03d", i)));
        }
        VolumeBudgetAssertions.assertListingInTurnStopsAtTheVolumeBound(fs, dirs,
                DirectoryBudget.BYTES_PER_VOLUME / (CLUSTERS * CLUSTER), "FAT directory \"d");
    }
}
