package dev.vmboot.fs.fat.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.vmboot.api.fs.FileSystem;
import dev.vmboot.api.fs.FileType;
import dev.vmboot.api.fs.FsNode;
import dev.vmboot.api.fs.FsPaths;
import dev.vmboot.api.storage.FileBlockDevice;
import dev.vmboot.testkit.BoundedWalk;
import dev.vmboot.testkit.ExternalTool;
import dev.vmboot.testkit.MemoryBlockDevice;
import dev.vmboot.testkit.TreeManifest;

/** FAT12, FAT16 and FAT32 images made by mkfs.fat and filled by mcopy, read back and compared with the host tree. */
class FatImageTest {
    @TempDir
    static Path work;
    static Path tree;

    @BeforeAll
    static void buildImages() throws IOException {
        tree = FatImages.referenceTree(work.resolve("tree"), 7, 2000);
        // FAT12 holds at most 4084 clusters: 4 KiB clusters on 15 MiB fit the tree's ~3400 files and directories
        FatImages.build(work.resolve("fat12.img"), 12, 15L << 20, tree, "-s", "8", "-n", "VMBOOT12", "-i",
                "0000BEEF");
        FatImages.build(work.resolve("fat16.img"), 16, 32L << 20, tree, "-s", "4", "-n", "VMBOOT16", "-i",
                "12AB34CD");
        // FAT32 needs at least 65525 clusters: 512-byte clusters on 64 MiB
        FatImages.build(work.resolve("fat32.img"), 32, 64L << 20, tree, "-s", "1", "-n", "ESP", "-i", "DEADBEEF");
        for (int bits : new int[] {12, 16, 32}) {
            FatImages.runMtools("mattrib", "+r", "-i", image(bits).toString(), "::/NOEXT");
        }
    }

    static Path image(int bits) {
        return work.resolve("fat" + bits + ".img");
    }

    static FileSystem open(int bits) throws IOException {
        return new FatReader().open(FileBlockDevice.open(image(bits)));
    }

    @ParameterizedTest(name = "FAT{0}")
    @ValueSource(ints = {12, 16, 32})
    void treeMatchesTheHostTree(int bits) throws IOException {
        TreeManifest expected = TreeManifest.ofDirectory(tree);
        try (FileSystem fs = open(bits)) {
            TreeManifest actual = TreeManifest.ofFileSystem(fs);
            List<String> diffs = expected.differences(actual, true);
            assertTrue(diffs.isEmpty(), () -> diffs.size() + " differences:\n" + String.join("\n",
                    diffs.subList(0, Math.min(20, diffs.size()))));
            assertTrue(actual.size() > 2000, "only " + actual.size() + " entries");
        }
    }

    @ParameterizedTest(name = "FAT{0}")
    @ValueSource(ints = {12, 16, 32})
    void typeFollowsTheClusterCount(int bits) throws IOException {
        try (FatFileSystem fs = (FatFileSystem) open(bits)) {
            assertEquals(FatType.valueOf("FAT" + bits), fs.bootSector().type());
            assertEquals("vfat", fs.type());
            assertFalse(fs.caseSensitive());
        }
    }

    @ParameterizedTest(name = "FAT{0}")
    @ValueSource(ints = {12, 16, 32})
    void labelAndUuidAreWhatBlkidSays(int bits) throws IOException {
        String blkid = ExternalTool.run("blkid", "-p", "-o", "export", image(bits).toString());
        try (FileSystem fs = open(bits)) {
            assertEquals(field(blkid, "LABEL"), fs.label());
            assertEquals(field(blkid, "UUID"), fs.uuid());
        }
        try (FileSystem fs = open(bits)) {
            assertEquals(bits == 32 ? "ESP" : "VMBOOT" + bits, fs.label());
            assertEquals(Set.of("0000-BEEF", "12AB-34CD", "DEAD-BEEF").contains(fs.uuid()), true, fs.uuid());
        }
    }

    private static String field(String export, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + "=(.*)$").matcher(export);
        assertTrue(m.find(), () -> name + " not in " + export);
        return m.group(1);
    }

    /** mdir's recursive bare listing names the same paths (mtools lower-cases non-ASCII oddly: compare folded). */
    @ParameterizedTest(name = "FAT{0}")
    @ValueSource(ints = {12, 16, 32})
    void pathsAreTheOnesMdirLists(int bits) throws IOException {
        String listing = FatImages.runMtools("mdir", "-/", "-b", "-i", image(bits).toString(), "::");
        Set<String> mdir = new TreeSet<>();
        for (String line : listing.split("\n")) {
            if (line.startsWith("::/")) {
                String p = line.substring(2);
                mdir.add((p.endsWith("/") ? p.substring(0, p.length() - 1) : p).toLowerCase(Locale.ROOT));
            }
        }
        try (FileSystem fs = open(bits)) {
            Set<String> ours = BoundedWalk.of(fs).keySet().stream().map(p -> p.toLowerCase(Locale.ROOT))
                    .collect(Collectors.toCollection(TreeSet::new));
            assertEquals(mdir, ours);
        }
    }

    @ParameterizedTest(name = "FAT{0}")
    @ValueSource(ints = {12, 16, 32})
    void namesKeepTheirCaseAndLookupsIgnoreIt(int bits) throws IOException {
        try (FileSystem fs = open(bits)) {
            FsNode dir = FsPaths.resolve(fs, "/CASE");
            List<String> names = fs.list(dir).stream().map(FsNode::name).sorted().toList();
            assertEquals(List.of("Mixed.Case", "UPPER.TXT", "a name with spaces and.dots.in.it", "lower.txt",
                    "lowerbase.TXT"), names);
            FsNode mixed = FsPaths.resolve(fs, "/case/MIXED.CASE");
            assertEquals("Mixed.Case", mixed.name());
            assertEquals(30, mixed.size());
            assertEquals("Ελληνικά.txt", FsPaths.resolve(fs, "/unicode/ΕΛΛΗΝΙΚΆ.TXT").name());
            assertEquals("000123-entry-with-a-longer-name",
                    FsPaths.resolve(fs, "/Big/000123-ENTRY-with-a-longer-name").name());
            assertThrows(NoSuchFileException.class, () -> FsPaths.resolve(fs, "/case/missing"));
            assertThrows(NotDirectoryException.class, () -> FsPaths.resolve(fs, "/case/lower.txt/x"));
        }
    }

    @ParameterizedTest(name = "FAT{0}")
    @ValueSource(ints = {12, 16, 32})
    void modesAreSynthesisedAndTimesAreTheHostsInUtc(int bits) throws IOException {
        try (FileSystem fs = open(bits)) {
            assertEquals(040755, FsPaths.resolve(fs, "/deep").mode());
            FsNode file = FsPaths.resolve(fs, "/files/file-4097.bin");
            assertEquals(0100644, file.mode());
            assertEquals(FileType.REGULAR, file.type());
            assertEquals(0100444, FsPaths.resolve(fs, "/NOEXT").mode(), "read-only attribute set by mattrib");
            Instant host = Files.getLastModifiedTime(tree.resolve("files/file-4097.bin")).toInstant();
            Duration skew = Duration.between(file.modified(), host).abs();
            assertTrue(skew.compareTo(Duration.ofSeconds(2)) <= 0, file.modified() + " vs host " + host);
            assertEquals(Instant.EPOCH, fs.root().modified());
            assertEquals("/", fs.root().name());
        }
    }

    @Test
    void channelSeeksReadsToTheEndAndRefusesWrites() throws IOException {
        byte[] expected = Files.readAllBytes(tree.resolve("files/file-1048577.bin"));
        try (FileSystem fs = open(16);
                SeekableByteChannel ch = fs.open(FsPaths.resolve(fs, "/files/file-1048577.bin"))) {
            assertEquals(expected.length, ch.size());
            ch.position(expected.length - 10_000);
            ByteBuffer tail = ByteBuffer.allocate(20_000);
            assertEquals(10_000, ch.read(tail));
            assertTrue(Arrays.equals(expected, expected.length - 10_000, expected.length, tail.array(), 0, 10_000));
            assertEquals(-1, ch.read(ByteBuffer.allocate(1)));
            ch.position(3000);
            ByteBuffer mid = ByteBuffer.allocate(5000);
            assertEquals(5000, ch.read(mid));
            assertTrue(Arrays.equals(expected, 3000, 8000, mid.array(), 0, 5000));
            assertThrows(NonWritableChannelException.class, () -> ch.write(ByteBuffer.allocate(1)));
            assertThrows(NonWritableChannelException.class, () -> ch.truncate(0));
        }
    }

    @Test
    void directoriesCannotBeOpenedAndFilesCannotBeListed() throws IOException {
        try (FileSystem fs = open(32)) {
            assertThrows(IOException.class, () -> fs.open(FsPaths.resolve(fs, "/deep")));
            assertThrows(NotDirectoryException.class, () -> fs.list(FsPaths.resolve(fs, "/NOEXT")));
            assertThrows(IOException.class, () -> fs.readLink(FsPaths.resolve(fs, "/NOEXT")));
        }
    }

    @Test
    void probeAcceptsTheImagesAndRefusesOtherBytes() throws IOException {
        FatReader reader = new FatReader();
        for (int bits : new int[] {12, 16, 32}) {
            try (FileBlockDevice dev = FileBlockDevice.open(image(bits))) {
                assertTrue(reader.probe(dev), "FAT" + bits);
            }
        }
        assertFalse(reader.probe(new MemoryBlockDevice(new byte[4096])));
        assertFalse(reader.probe(new MemoryBlockDevice(new byte[100])));
        byte[] mbrLike = new byte[512];
        mbrLike[510] = 0x55;
        mbrLike[511] = (byte) 0xAA;
        assertFalse(reader.probe(new MemoryBlockDevice(mbrLike)));
    }

    /**
     * Deleting a file between two others and copying a bigger one makes mtools fill the hole first: the new file's
     * chain has several runs, and it still reads back intact.
     */
    @Test
    void fragmentedFileReadsBackIntact() throws IOException {
        Path img = FatImages.mkfs(work.resolve("frag.img"), 16, 8L << 20, "-s", "1");
        Path src = work.resolve("frag-src");
        dev.vmboot.testkit.ReferenceTree.in(src, 11)
                .file("a.bin", 5000).file("b.bin", 5000).file("c.bin", 5000).file("d.bin", 5000)
                .file("big.bin", 300_000);
        String image = img.toString();
        for (String f : new String[] {"a.bin", "b.bin", "c.bin", "d.bin"}) {
            FatImages.runMtools("mcopy", "-i", image, src.resolve(f).toString(), "::");
        }
        FatImages.runMtools("mdel", "-i", image, "::/b.bin");
        FatImages.runMtools("mdel", "-i", image, "::/d.bin");
        FatImages.runMtools("mcopy", "-i", image, src.resolve("big.bin").toString(), "::");
        Files.delete(src.resolve("b.bin"));
        Files.delete(src.resolve("d.bin"));
        try (FatFileSystem fs = (FatFileSystem) new FatReader().open(FileBlockDevice.open(img))) {
            FatNode big = (FatNode) FsPaths.resolve(fs, "/big.bin");
            FatBootSector boot = fs.bootSector();
            ClusterRuns runs = fs.fat().chain(big.firstCluster(), Long.MAX_VALUE, "big.bin");
            assertTrue(runs.count() >= 2, "big.bin has " + runs.count() + " run(s): not fragmented");
            assertEquals((300_000 + boot.clusterSize() - 1) / boot.clusterSize(), runs.clusters());
            List<String> diffs = TreeManifest.ofDirectory(src).differences(TreeManifest.ofFileSystem(fs), true);
            assertEquals(new ArrayList<String>(), diffs);
        }
    }
}
