package dev.vmboot.fs.fat.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.vmboot.api.fs.CorruptFilesystemException;
import dev.vmboot.api.fs.FileSystem;
import dev.vmboot.api.fs.FileType;
import dev.vmboot.api.fs.FsNode;
import dev.vmboot.api.fs.FsPaths;
import dev.vmboot.testkit.BoundedWalk;
import dev.vmboot.testkit.MemoryBlockDevice;
import dev.vmboot.testkit.ReferenceTree;
import dev.vmboot.testkit.TreeManifest;

/**
 * Corrupt and truncated volumes: every outcome is a correct read or an IOException (CorruptFilesystemException for
 * bad metadata), never an unchecked exception, a hang or a runaway allocation.
 */
class FatCorruptionTest {
    @TempDir
    static Path work;
    static Path tree;

    @BeforeAll
    static void buildTree() throws IOException {
        tree = ReferenceTree.in(work.resolve("tree"), 3)
                .file("files/a.bin", 3000)
                .file("files/b.bin", 70_000)
                .file("files/empty", 0)
                .file("Mixed.Case", 30)
                .deepPath("deep", 4)
                .unicodeNames("unicode")
                .root();
        Files.delete(tree.resolve("unicode/emoji-\uD83D\uDE80.txt"));
        for (int i = 0; i < 60; i++) {
            ReferenceTree.in(tree, i).file(String.format("dir/%03d-a-long-file-name.txt", i), 10);
        }
    }

    /** FAT12 on 2 MiB, FAT16 on 3 MiB and FAT32 on 34 MiB, all with 512-byte clusters. */
    static byte[] image(int bits) throws IOException {
        long size = bits == 12 ? 2L << 20 : bits == 16 ? 3L << 20 : 34L << 20;
        return Files.readAllBytes(FatImages.build(work.resolve("c" + bits + "-" + System.nanoTime() + ".img"), bits,
                size, tree, "-s", "1", "-n", "CORRUPT"));
    }

    static FatFileSystem open(byte[] data) throws IOException {
        return (FatFileSystem) new FatReader().open(new MemoryBlockDevice(data));
    }

    @ParameterizedTest(name = "FAT{0}")
    @ValueSource(ints = {12, 16, 32})
    void bitFlipsInEveryMetadataSectorGiveATreeOrAnIOException(int bits) throws IOException {
        byte[] data = image(bits);
        SortedMap<String, String> good;
        BitSet fileData = new BitSet();
        try (FatFileSystem fs = open(data)) {
            good = BoundedWalk.of(fs);
            markFileData(fs, fs.root(), fileData);
        }
        Random random = new Random(bits);
        int trials = 0;
        int changed = 0;
        for (int sector = 0; sector < data.length / 512; sector++) {
            if (fileData.get(sector) || isZero(data, sector * 512, 512)) {
                continue;
            }
            for (int k = 0; k < 6; k++) {
                int bit = random.nextInt(512 * 8);
                int at = sector * 512 + (bit >> 3);
                byte mask = (byte) (1 << (bit & 7));
                data[at] ^= mask;
                trials++;
                try (FileSystem fs = new FatReader().open(new MemoryBlockDevice(data))) {
                    if (!good.equals(BoundedWalk.of(fs))) {
                        changed++;
                    }
                    FsPaths.resolve(fs, "/dir/042-A-LONG-FILE-NAME.TXT");
                } catch (IOException expected) {
                    changed++;
                } catch (RuntimeException | Error e) {
                    throw new AssertionError("bit flip at byte " + at + " (sector " + sector + ") gave " + e, e);
                } finally {
                    data[at] ^= mask;
                }
            }
        }
        assertTrue(trials > 100, "only " + trials + " trials");
        assertTrue(changed > trials / 10, "only " + changed + " of " + trials + " flips made a difference");
    }

    private static void markFileData(FatFileSystem fs, FsNode dir, BitSet out) throws IOException {
        for (FsNode n : fs.list(dir)) {
            FatNode f = (FatNode) n;
            if (n.type() == FileType.DIRECTORY) {
                markFileData(fs, n, out);
            } else if (n.size() > 0) {
                ClusterRuns runs = fs.fat().chain(f.firstCluster(), Long.MAX_VALUE, n.name());
                for (int i = 0; i < runs.count(); i++) {
                    long from = fs.bootSector().clusterOffset(runs.start(i)) / 512;
                    out.set((int) from, (int) (from + runs.length(i)));
                }
            }
        }
    }

    private static boolean isZero(byte[] b, int from, int length) {
        for (int i = from; i < from + length; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    @ParameterizedTest(name = "FAT{0}")
    @ValueSource(ints = {12, 16, 32})
    void fileChainLoopingBackIsRefused(int bits) throws IOException {
        byte[] data = image(bits);
        FatNode file;
        FatBootSector boot;
        try (FatFileSystem fs = open(data)) {
            file = (FatNode) FsPaths.resolve(fs, "/files/b.bin");
            boot = fs.bootSector();
        }
        long clusters = (file.size() + boot.clusterSize() - 1) / boot.clusterSize();
        // mcopy writes files contiguously on a fresh volume: the last cluster links back to the first
        setFatEntry(data, boot, file.firstCluster() + clusters - 1, file.firstCluster());
        try (FatFileSystem fs = open(data)) {
            CorruptFilesystemException e = assertThrows(CorruptFilesystemException.class,
                    () -> fs.open(FsPaths.resolve(fs, "/files/b.bin")));
            assertTrue(e.getMessage().contains("longer than " + clusters + " clusters"), e.getMessage());
        }
    }

    @ParameterizedTest(name = "FAT{0}")
    @ValueSource(ints = {12, 16, 32})
    void directoryChainLoopingOnItselfIsRefused(int bits) throws IOException {
        byte[] data = image(bits);
        FatNode dir;
        FatBootSector boot;
        try (FatFileSystem fs = open(data)) {
            dir = (FatNode) FsPaths.resolve(fs, "/dir");
            boot = fs.bootSector();
        }
        setFatEntry(data, boot, dir.firstCluster(), dir.firstCluster());
        try (FatFileSystem fs = open(data)) {
            CorruptFilesystemException e = assertThrows(CorruptFilesystemException.class,
                    () -> fs.list(FsPaths.resolve(fs, "/dir")));
            assertTrue(e.getMessage().contains("FAT chain of directory \"dir\""), e.getMessage());
        }
    }

    @Test
    void chainsIntoFreeBadOrOutOfVolumeClustersAreRefused() throws IOException {
        byte[] data = image(16);
        FatNode file;
        FatBootSector boot;
        try (FatFileSystem fs = open(data)) {
            file = (FatNode) FsPaths.resolve(fs, "/files/b.bin");
            boot = fs.bootSector();
        }
        long[][] cases = {{0, 0}, {0xFFF7, 0}, {boot.clusterCount() + 2, 0}, {0xFFF8, 1}};
        String[] expected = {"free/reserved cluster 0", "links to a bad cluster", "out-of-volume cluster",
                "clusters for 70000 bytes"};
        for (int i = 0; i < cases.length; i++) {
            byte[] copy = data.clone();
            setFatEntry(copy, boot, file.firstCluster() + 3, cases[i][0]);
            try (FatFileSystem fs = open(copy)) {
                CorruptFilesystemException e = assertThrows(CorruptFilesystemException.class,
                        () -> fs.open(FsPaths.resolve(fs, "/files/b.bin")));
                assertTrue(e.getMessage().contains(expected[i]), e.getMessage());
            }
        }
    }

    /** /deep/level0/level1 made to start at /deep's cluster: an endless tree, stopped by the depth bound. */
    @Test
    void subdirectoryPointingAtAnAncestorEndsInCorruption() throws IOException {
        byte[] data = image(32);
        FatNode deep;
        FatNode level1;
        try (FatFileSystem fs = open(data)) {
            deep = (FatNode) FsPaths.resolve(fs, "/deep");
            level1 = (FatNode) FsPaths.resolve(fs, "/deep/level0/level1");
        }
        setEntryCluster(data, level1.entryOffset(), deep.firstCluster());
        try (FatFileSystem fs = open(data)) {
            assertEquals("level0", FsPaths.resolve(fs, "/deep/level0/level1/level0/level1/level0").name());
            CorruptFilesystemException e = assertThrows(CorruptFilesystemException.class,
                    () -> TreeManifest.ofFileSystem(fs));
            assertTrue(e.getMessage().contains("a directory cycle?"), e.getMessage());
        }
    }

    @Test
    void subdirectoryPointingAtItselfOrTheRootIsRefused() throws IOException {
        byte[] data = image(32);
        FatNode level0;
        FatNode deep;
        long root;
        try (FatFileSystem fs = open(data)) {
            deep = (FatNode) FsPaths.resolve(fs, "/deep");
            level0 = (FatNode) FsPaths.resolve(fs, "/deep/level0");
            root = fs.bootSector().rootCluster();
        }
        for (long target : new long[] {deep.firstCluster(), root}) {
            byte[] copy = data.clone();
            setEntryCluster(copy, level0.entryOffset(), target);
            try (FatFileSystem fs = open(copy)) {
                CorruptFilesystemException e = assertThrows(CorruptFilesystemException.class,
                        () -> fs.list(FsPaths.resolve(fs, "/deep")));
                assertTrue(e.getMessage().contains("a cycle"), e.getMessage());
            }
        }
    }

    /** a.bin's last cluster linked into the middle of b.bin: a chain longer than a.bin's size allows. */
    @ParameterizedTest(name = "FAT{0}")
    @ValueSource(ints = {12, 16, 32})
    void crossLinkedFileChainIsRefused(int bits) throws IOException {
        byte[] data = image(bits);
        FatNode a;
        FatNode b;
        FatBootSector boot;
        try (FatFileSystem fs = open(data)) {
            a = (FatNode) FsPaths.resolve(fs, "/files/a.bin");
            b = (FatNode) FsPaths.resolve(fs, "/files/b.bin");
            boot = fs.bootSector();
        }
        long aClusters = (a.size() + boot.clusterSize() - 1) / boot.clusterSize();
        setFatEntry(data, boot, a.firstCluster() + aClusters - 1, b.firstCluster() + 10);
        try (FatFileSystem fs = open(data)) {
            CorruptFilesystemException e = assertThrows(CorruptFilesystemException.class,
                    () -> fs.open(FsPaths.resolve(fs, "/files/a.bin")));
            assertTrue(e.getMessage().startsWith("FAT chain of file \"a.bin\" at byte "), e.getMessage());
            assertTrue(e.getMessage().contains("longer than " + aClusters + " clusters"), e.getMessage());
            try (var ch = fs.open(FsPaths.resolve(fs, "/files/b.bin"))) {
                assertEquals(b.size(), ch.size(), "b.bin's own chain is intact");
            }
        }
    }

    /** The FAT32 root directory's chain looping on itself: the volume cannot be opened. */
    @Test
    void fat32RootChainLoopingOnItselfIsRefusedAtOpen() throws IOException {
        byte[] data = image(32);
        FatBootSector boot;
        try (FatFileSystem fs = open(data)) {
            boot = fs.bootSector();
        }
        setFatEntry(data, boot, boot.rootCluster(), boot.rootCluster());
        CorruptFilesystemException e = assertThrows(CorruptFilesystemException.class, () -> open(data));
        assertTrue(e.getMessage().startsWith("FAT chain of directory \"/\" at byte "
                + (boot.fatOffset() + boot.rootCluster() * 4)), e.getMessage());
    }

    /**
     * /dir made to start at b.bin's first cluster: its random bytes are read as directory entries. Whatever they say,
     * the walk gives a tree without /dir's real entries or an IOException.
     */
    @ParameterizedTest(name = "FAT{0}")
    @ValueSource(ints = {12, 16, 32})
    void subdirectoryPointingIntoFileDataGivesATreeOrAnIoException(int bits) throws IOException {
        byte[] data = image(bits);
        FatNode dir;
        FatNode b;
        try (FatFileSystem fs = open(data)) {
            dir = (FatNode) FsPaths.resolve(fs, "/dir");
            b = (FatNode) FsPaths.resolve(fs, "/files/b.bin");
        }
        setEntryCluster(data, dir.entryOffset(), b.firstCluster());
        try (FatFileSystem fs = open(data)) {
            SortedMap<String, String> tree = BoundedWalk.of(fs);
            assertTrue(tree.keySet().stream().noneMatch(k -> k.startsWith("/dir/0")), tree::toString);
        } catch (IOException expected) {
            // garbage entries pointing at bad clusters, reported cleanly
        }
    }

    /**
     * The long name of /dir/042-... with its second entry's ordinal changed: an orphaned set, so the 8.3 alias
     * stands and the directory still has 60 entries.
     */
    @Test
    void longNameOutOfSequenceFallsBackToTheShortName() throws IOException {
        byte[] data = image(16);
        FatNode file;
        try (FatFileSystem fs = open(data)) {
            file = (FatNode) FsPaths.resolve(fs, "/dir/042-a-long-file-name.txt");
        }
        int first = (int) file.entryOffset() - 32; // LDIR_Ord 1: the first 13 characters, just before the 8.3 entry
        assertEquals(0x0F, data[first + 11], "the entry before is a long-name entry");
        assertEquals(1, data[first]);
        data[first] = 3;
        try (FatFileSystem fs = open(data)) {
            List<FsNode> entries = fs.list(FsPaths.resolve(fs, "/dir"));
            assertEquals(60, entries.size());
            assertTrue(entries.stream().noneMatch(n -> n.name().equals("042-a-long-file-name.txt")));
            FsNode alias = entries.stream().filter(n -> n.id() == file.id()).findFirst().orElseThrow();
            assertTrue(alias.name().matches("[0-9A-Z~-]{1,8}\\.TXT"), alias.name());
            assertEquals(10, alias.size());
        }
    }

    @Test
    void longNameWithABadChecksumFallsBackToTheShortName() throws IOException {
        byte[] data = image(16);
        FatNode mixed;
        try (FatFileSystem fs = open(data)) {
            mixed = (FatNode) FsPaths.resolve(fs, "/Mixed.Case");
        }
        int lfn = (int) mixed.entryOffset() - 32;
        assertEquals(0x0F, data[lfn + 11], "the entry before is the long-name entry");
        data[lfn + 13] ^= 0x01;
        try (FatFileSystem fs = open(data)) {
            FsNode shortName = FsPaths.resolve(fs, "/MIXED~1.CAS");
            assertEquals("MIXED~1.CAS", shortName.name());
            assertEquals(30, shortName.size());
        }
    }

    /**
     * A device shorter than its volume is refused at open, wherever it ends: the message names the sector count
     * and where the device stops (inside which FAT, the root directory, or from which cluster on).
     */
    @ParameterizedTest(name = "FAT{0}")
    @ValueSource(ints = {12, 16, 32})
    void truncatedImagesAreRefusedNamingWhatIsCutOff(int bits) throws IOException {
        byte[] data = image(bits);
        FatBootSector boot;
        try (FatFileSystem fs = open(data)) {
            boot = fs.bootSector();
        }
        long last = boot.clusterCount() + 1;
        Map<Long, String> cuts = new LinkedHashMap<>();
        cuts.put(512L, boot.fatOffset() > 512 ? "byte 512 of the reserved sectors" : "byte 0 of FAT 1 of 2");
        cuts.put(boot.fatOffset() + 10, "byte 10 of FAT 1 of 2 (all " + boot.clusterCount() + " data clusters");
        cuts.put(boot.fatOffset() + boot.fatSectors() * 512 + 3, "byte 3 of FAT 2 of 2");
        if (bits != 32) {
            cuts.put(boot.rootDirectoryOffset() + 64, "byte 64 of the root directory");
        }
        cuts.put(boot.clusterOffset(2), "cluster 2 (clusters 2.." + last + ", " + boot.clusterCount() + " of");
        cuts.put(boot.clusterOffset(100) + 5, "cluster 100 (clusters 100.." + last);
        cuts.put((long) data.length / 2, "cluster ");
        cuts.put(boot.clusterOffset(last), "cluster " + last + " (clusters " + last + ".." + last + ", 1 of");
        cuts.put(data.length - 1L, "");
        for (Map.Entry<Long, String> cut : cuts.entrySet()) {
            byte[] truncated = Arrays.copyOf(data, (int) (long) cut.getKey());
            assertTrue(new FatReader().probe(new MemoryBlockDevice(truncated)), "still a FAT volume to probe");
            CorruptFilesystemException e = assertThrows(CorruptFilesystemException.class, () -> open(truncated),
                    "cut at " + cut.getKey());
            String m = e.getMessage();
            assertTrue(m.startsWith("FAT boot sector at byte " + (boot.totalSectors() > 0xFFFF ? 32 : 19)
                    + ": volume of " + boot.totalSectors() + " sectors (" + data.length + " bytes) on a device of "
                    + cut.getKey() + " bytes: truncated image, cut off from "), m);
            assertTrue(m.contains(cut.getValue()), "cut at " + cut.getKey() + ": " + m);
        }
        for (int tooShort : new int[] {0, 100, 511}) {
            CorruptFilesystemException e = assertThrows(CorruptFilesystemException.class,
                    () -> open(Arrays.copyOf(data, tooShort)));
            assertTrue(e.getMessage().contains("device of " + tooShort + " bytes is too small"), e.getMessage());
        }
    }

    @Test
    void bootSectorFieldsAreValidatedWithTheirOffsets() throws IOException {
        byte[] data = image(16);
        Object[][] cases = {
            {11, new byte[] {0x2C, 0x01}, "bytes per sector 300"},
            {11, new byte[] {0x00, 0x20}, "bytes per sector 8192"},
            {13, new byte[] {3}, "sectors per cluster 3"},
            {14, new byte[] {0, 0}, "no reserved sectors"},
            {16, new byte[] {0}, "no FAT"},
            {17, new byte[] {0, 0}, "without root directory entries"},
            {19, new byte[] {0x10, 0}, "leave no room for data"},
            {22, new byte[] {1, 0}, "cannot hold"},
            {21, new byte[] {0x12}, "media descriptor 0x12"},
            {510, new byte[] {0x55, 0x55}, "no 0x55AA signature"},
            {0, new byte[] {0}, "no x86 jump"},
        };
        for (Object[] c : cases) {
            byte[] copy = data.clone();
            byte[] patch = (byte[]) c[1];
            System.arraycopy(patch, 0, copy, (Integer) c[0], patch.length);
            CorruptFilesystemException e = assertThrows(CorruptFilesystemException.class, () -> open(copy),
                    (String) c[2]);
            assertTrue(e.getMessage().contains((String) c[2]), e.getMessage());
            assertTrue(e.getMessage().startsWith("FAT boot sector at byte "), e.getMessage());
            assertTrue(!new FatReader().probe(new MemoryBlockDevice(copy)), "probe accepts " + c[2]);
        }
    }

    @Test
    void fileLargerThanItsChainIsRefused() throws IOException {
        byte[] data = image(12);
        FatNode file;
        try (FatFileSystem fs = open(data)) {
            file = (FatNode) FsPaths.resolve(fs, "/files/a.bin");
        }
        ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).putInt((int) file.entryOffset() + 28, 1 << 30);
        try (FatFileSystem fs = open(data)) {
            FsNode big = FsPaths.resolve(fs, "/files/a.bin");
            assertEquals(1L << 30, big.size());
            assertThrows(CorruptFilesystemException.class, () -> fs.open(big));
        }
    }

    private static void setFatEntry(byte[] data, FatBootSector boot, long cluster, long value) {
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        int fat = (int) boot.fatOffset();
        switch (boot.type()) {
            case FAT12: {
                int at = fat + (int) (cluster + cluster / 2);
                int old = b.getShort(at) & 0xFFFF;
                int v = (cluster & 1) != 0 ? (old & 0x000F) | (int) (value << 4) : (old & 0xF000) | (int) value;
                b.putShort(at, (short) v);
                break;
            }
            case FAT16:
                b.putShort(fat + (int) cluster * 2, (short) value);
                break;
            default:
                b.putInt(fat + (int) cluster * 4, (int) value);
        }
    }

    private static void setEntryCluster(byte[] data, long entryOffset, long cluster) {
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((int) entryOffset + 20, (short) (cluster >>> 16));
        b.putShort((int) entryOffset + 26, (short) cluster);
    }
}
