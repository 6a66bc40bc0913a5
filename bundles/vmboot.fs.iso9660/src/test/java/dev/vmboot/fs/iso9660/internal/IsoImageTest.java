package dev.vmboot.fs.iso9660.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.vmboot.api.fs.DirectoryBudget;
import dev.vmboot.api.fs.FileSystem;
import dev.vmboot.api.fs.FileType;
import dev.vmboot.api.fs.FsNode;
import dev.vmboot.api.fs.FsPaths;
import dev.vmboot.api.storage.FileBlockDevice;
import dev.vmboot.testkit.ExternalTool;
import dev.vmboot.testkit.MemoryBlockDevice;
import dev.vmboot.testkit.ReferenceTree;
import dev.vmboot.testkit.TreeManifest;

/**
 * Images made by xorriso and genisoimage from reference trees, read back and compared with the host trees entry by
 * entry (names, types, sizes, symlink targets, sha256 of every file), and with what isoinfo and blkid say.
 */
class IsoImageTest {
    @TempDir
    static Path work;
    /** Everything Rock Ridge can hold: deep paths, Unicode and long names, symlinks, a 3000-entry directory. */
    static Path tree;
    /** What Joliet can hold: no symlinks, names in the BMP of at most 103 characters. */
    static Path jolietTree;
    /** What plain ECMA-119 level 1 holds unchanged: upper-case 8.3 names, at most 7 levels. */
    static Path plainTree;

    /** NAME_MAX bytes: more than one NM entry holds, so Rock Ridge continues it in a second one. */
    static final String LONG_NAME = "n".repeat(251) + ".txt";
    static final String LONG_UNICODE_NAME = "Ünïcödé-".repeat(15) + ".bin";
    static final String JOLIET_LONG_NAME = "j".repeat(96) + ".txt";

    @BeforeAll
    static void buildImages() throws IOException {
        tree = work.resolve("tree");
        ReferenceTree.in(tree, 11)
                .assortedFiles("files")
                .deepPath("deep", 12)
                .unicodeNames("unicode")
                .symlinks("links")
                .bigDirectory("big", 3000)
                .file("long/" + LONG_NAME, 50)
                .file("long/" + LONG_UNICODE_NAME, 10);
        Files.createDirectories(tree.resolve("empty"));
        Files.createSymbolicLink(tree.resolve("links/parent-link"), Path.of("../files/file-1.bin"));
        Files.createSymbolicLink(tree.resolve("links/dot-link"), Path.of("./target.txt"));
        // One 255-byte component: more than an SL component record holds, so it is continued in the next one.
        Files.createSymbolicLink(tree.resolve("long/link-to-long-name"), Path.of(LONG_NAME));

        jolietTree = work.resolve("joliet-tree");
        ReferenceTree.in(jolietTree, 12)
                .assortedFiles("files")
                .deepPath("deep", 12)
                .file("unicode/grüße.txt", 64)
                .file("unicode/Ελληνικά.txt", 64)
                .file("unicode/日本語のファイル.txt", 64)
                .bigDirectory("big", 3000)
                .file("long/" + JOLIET_LONG_NAME, 20);
        Files.createDirectories(jolietTree.resolve("empty"));

        plainTree = work.resolve("plain-tree");
        ReferenceTree.in(plainTree, 13)
                .file("README.TXT", 700)
                .file("NOEXT", 12)
                .file("BOOT/VMLINUZ", 300_000)
                .file("BOOT/INITRD.IMG", 1_048_577)
                .file("D1/D2/D3/D4/D5/D6/BOTTOM.TXT", 10)
                .file("EMPTY.BIN", 0);
        Files.createDirectories(plainTree.resolve("BIG"));
        for (int i = 0; i < 1000; i++) {
            Files.write(plainTree.resolve(String.format("BIG/E%07d.TXT", i)), Integer.toString(i).getBytes());
        }

        IsoImages.xorriso(image("rr-joliet"), tree, "-R", "-J", "-joliet-long", "-V", "vmboot Rock Ridge+Joliet");
        IsoImages.xorriso(image("rr-relocated"), tree, "-R", "-rr_reloc_dir", "RR_MOVED", "-V", "RELOC");
        IsoImages.genisoimage(image("genisoimage-rr"), tree, "-R", "-J", "-joliet-long", "-V", "GENISO");
        IsoImages.xorriso(image("joliet"), jolietTree, "--norock", "-J", "-joliet-long", "-V", "Grüße Ωμέγα 日本");
        IsoImages.genisoimage(image("level1"), plainTree, "-iso-level", "1", "-V", "LEVEL1");
        IsoImages.genisoimage(image("level2"), plainTree, "-iso-level", "2", "-V", "Level two label");
        IsoImages.genisoimage(image("level1-mangled"), tree, "-iso-level", "1", "-V", "MANGLED");
    }

    static Path image(String name) {
        return work.resolve(name + ".iso");
    }

    static IsoFileSystem open(String name) throws IOException {
        return (IsoFileSystem) new IsoReader().open(FileBlockDevice.open(image(name)));
    }

    /** The filesystem holds exactly the host tree, apart from {@code extraPaths} (made by the mastering tool). */
    static void assertSameTree(Path hostTree, FileSystem fs, boolean caseInsensitive, String... extraPaths)
            throws IOException {
        TreeManifest expected = TreeManifest.ofDirectory(hostTree);
        TreeManifest actual = TreeManifest.ofFileSystem(fs);
        List<String> diffs = new ArrayList<>(expected.differences(actual, caseInsensitive));
        for (String extra : extraPaths) {
            // "unexpected: <type letter> <path> ..."
            assertTrue(diffs.removeIf(d -> d.startsWith("unexpected: ") && d.startsWith(extra + " ", 14)),
                    () -> extra + " missing: " + diffs);
        }
        assertTrue(diffs.isEmpty(), () -> diffs.size() + " differences:\n"
                + String.join("\n", diffs.subList(0, Math.min(20, diffs.size()))));
        assertEquals(expected.size() + extraPaths.length, actual.size());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"rr-joliet", "rr-relocated"})
    void rockRidgeTreeIsTheHostTree(String name) throws IOException {
        try (IsoFileSystem fs = open(name)) {
            assertEquals(Namespace.ROCK_RIDGE, fs.volume().namespace());
            assertTrue(fs.caseSensitive());
            assertSameTree(tree, fs, false);
        }
    }

    /** genisoimage relocates the deep directory into a visible, then empty, rr_moved, as Linux shows it. */
    @Test
    void genisoimageRockRidgeTreeIsTheHostTreePlusRrMoved() throws IOException {
        try (IsoFileSystem fs = open("genisoimage-rr")) {
            assertEquals(Namespace.ROCK_RIDGE, fs.volume().namespace());
            assertSameTree(tree, fs, false, "/rr_moved");
            assertEquals(List.of(), fs.list(FsPaths.resolve(fs, "/rr_moved")));
        }
    }

    /** The 12-level path is there in full although the primary tree holds at most 8 levels. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"rr-relocated", "genisoimage-rr"})
    void relocatedDirectoriesAreFoundThroughTheirChildLinks(String name) throws IOException {
        assertTrue(IsoImages.isoinfoListing(image(name)).keySet().stream()
                .anyMatch(p -> p.toUpperCase(java.util.Locale.ROOT).startsWith("/RR_MOVED/LEVEL")),
                "the mastering tool did not relocate the deep directories");
        try (IsoFileSystem fs = open(name)) {
            FsNode bottom = FsPaths.resolve(fs, "/deep/level0/level1/level2/level3/level4/level5/level6/level7/level8"
                    + "/level9/level10/level11/bottom.txt");
            assertEquals(100, bottom.size());
            FsNode level7 = FsPaths.resolve(fs, "/deep/level0/level1/level2/level3/level4/level5/level6/level7");
            assertEquals(FileType.DIRECTORY, level7.type());
            assertEquals(0755, level7.mode() & 07777);
            assertEquals(FsPaths.resolve(fs, "/deep/level0/level1/level2/level3/level4/level5/level6/level7/level8")
                    .name(), "level8");
            assertEquals("level11", FsPaths.resolve(fs, "/deep/level0/level1/level2/level3/level4/level5/level6"
                    + "/level7/level8/level9/level10/level11/../../level10/level11").name());
        }
    }

    @Test
    void rockRidgeKeepsModesSymlinksAndLongNames() throws IOException {
        try (IsoFileSystem fs = open("rr-joliet")) {
            FsNode link = FsPaths.resolve(fs, "/links/short-link", false);
            assertEquals(FileType.SYMLINK, link.type());
            assertEquals(0120777, link.mode());
            assertEquals("target.txt", fs.readLink(link));
            assertEquals(10, link.size());
            assertEquals("a".repeat(100) + "/" + "b".repeat(150),
                    fs.readLink(FsPaths.resolve(fs, "/links/long-link", false)));
            assertEquals("/links/target.txt", fs.readLink(FsPaths.resolve(fs, "/links/absolute-link", false)));
            assertEquals(10, FsPaths.resolve(fs, "/links/absolute-link").size());
            assertThrows(NoSuchFileException.class, () -> FsPaths.resolve(fs, "/links/dangling"));
            Path hostFile = tree.resolve("files/file-4097.bin");
            FsNode file = FsPaths.resolve(fs, "/files/file-4097.bin");
            int hostMode = permissions(hostFile);
            assertEquals(0100000 | hostMode, file.mode());
            assertEquals(Files.getLastModifiedTime(hostFile).toInstant().getEpochSecond(),
                    file.modified().getEpochSecond());
            IsoNode longName = (IsoNode) FsPaths.resolve(fs, "/long/" + LONG_NAME);
            assertEquals(LONG_NAME, longName.name());
            DirectoryRecord record = DirectoryRecord.parse(fs.volume().device().readBytes(longName.recordOffset(),
                    255), 0, longName.recordOffset());
            List<SuspEntry> nm = SystemUseArea.entries(fs.volume().device(), record, 0, "test",
                    new DirectoryBudget("test").directory("test")).stream()
                    .filter(e -> e.signature().equals("NM")).toList();
            assertTrue(nm.size() > 1 && (nm.get(0).bytes()[4] & 1) == 1, "the name was not split over NM entries");
            assertEquals(LONG_NAME, fs.readLink(FsPaths.resolve(fs, "/long/link-to-long-name", false)));
            assertEquals(longName, FsPaths.resolve(fs, "/long/link-to-long-name"));
            assertEquals("../files/file-1.bin", fs.readLink(FsPaths.resolve(fs, "/links/parent-link", false)));
            assertEquals(1, FsPaths.resolve(fs, "/links/parent-link").size());
            assertEquals("./target.txt", fs.readLink(FsPaths.resolve(fs, "/links/dot-link", false)));
            assertEquals(LONG_UNICODE_NAME, FsPaths.resolve(fs, "/long/" + LONG_UNICODE_NAME).name());
            assertEquals("emoji-🚀.txt", FsPaths.resolve(fs, "/unicode/emoji-🚀.txt").name());
            assertThrows(NoSuchFileException.class, () -> FsPaths.resolve(fs, "/FILES/file-4097.bin"));
            assertThrows(NotDirectoryException.class, () -> FsPaths.resolve(fs, "/files/file-1.bin/x"));
            assertThrows(IOException.class, () -> fs.open(FsPaths.resolve(fs, "/files")));
            assertThrows(IOException.class, () -> fs.readLink(FsPaths.resolve(fs, "/files/file-1.bin")));
        }
    }

    private static int permissions(Path p) throws IOException {
        String rwx = PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
        int mode = 0;
        for (int i = 0; i < 9; i++) {
            if (rwx.charAt(i) != '-') {
                mode |= 1 << (8 - i);
            }
        }
        return mode;
    }

    @Test
    void jolietTreeIsTheHostTree() throws IOException {
        try (IsoFileSystem fs = open("joliet")) {
            assertEquals(Namespace.JOLIET, fs.volume().namespace());
            assertSameTree(jolietTree, fs, false);
            FsNode longName = FsPaths.resolve(fs, "/long/" + JOLIET_LONG_NAME);
            assertEquals(JOLIET_LONG_NAME.length(), longName.name().length());
            assertEquals(IsoNode.FILE_MODE, longName.mode());
            assertEquals(IsoNode.DIRECTORY_MODE, FsPaths.resolve(fs, "/long").mode());
        }
    }

    /**
     * isoinfo prints Joliet names in ISO 8859-1 with '_' for what that cannot hold; its bytes reach Java as UTF-8,
     * so both sides are folded the same way before comparing.
     */
    @Test
    void jolietListingIsWhatIsoinfoLists() throws IOException {
        SortedMap<String, String> isoinfo = new TreeMap<>();
        IsoImages.isoinfoListing(image("joliet"), "-J")
                .forEach((p, v) -> isoinfo.put(p.replace('\uFFFD', '?'), v));
        try (IsoFileSystem fs = open("joliet")) {
            SortedMap<String, String> ours = new TreeMap<>();
            listing(fs, fs.root(), "/", ours);
            SortedMap<String, String> folded = new TreeMap<>();
            ours.forEach((p, v) -> folded.put(foldLikeIsoinfo(p), v));
            assertSameListing(isoinfo, folded);
            assertTrue(ours.size() > 3000);
        }
    }

    static void assertSameListing(SortedMap<String, String> expected, SortedMap<String, String> actual) {
        List<String> diffs = new ArrayList<>();
        expected.forEach((p, v) -> {
            if (!v.equals(actual.get(p))) {
                diffs.add(p + ": expected " + v + ", read " + actual.get(p));
            }
        });
        actual.keySet().stream().filter(p -> !expected.containsKey(p)).forEach(p -> diffs.add(p + ": unexpected"));
        assertTrue(diffs.isEmpty(), () -> diffs.size() + " differences:\n"
                + String.join("\n", diffs.subList(0, Math.min(20, diffs.size()))));
    }

    private static String foldLikeIsoinfo(String s) {
        StringBuilder sb = new StringBuilder();
        s.codePoints().forEach(c -> sb.append(c < 0x80 ? (char) c : c < 0x100 ? '?' : '_'));
        return sb.toString();
    }

    /** Our tree in isoinfo's form: path to "type size" ("l 0 -> target" for symlinks). */
    private static void listing(FileSystem fs, FsNode dir, String prefix, SortedMap<String, String> out)
            throws IOException {
        for (FsNode n : fs.list(dir)) {
            String p = prefix + n.name();
            switch (n.type()) {
                case DIRECTORY:
                    out.put(p, "d " + n.size());
                    listing(fs, n, p + "/", out);
                    break;
                case SYMLINK:
                    out.put(p, "l 0 -> " + fs.readLink(n));
                    break;
                default:
                    out.put(p, "- " + n.size());
            }
        }
    }

    /** isoinfo -R reads Rock Ridge names, modes and link targets itself (no relocation here to tell apart). */
    @Test
    void rockRidgeListingIsWhatIsoinfoLists() throws IOException {
        SortedMap<String, String> isoinfo = IsoImages.isoinfoListing(image("rr-joliet"), "-R");
        try (IsoFileSystem fs = open("rr-joliet")) {
            SortedMap<String, String> ours = new TreeMap<>();
            listing(fs, fs.root(), "/", ours);
            assertSameListing(isoinfo, ours);
            assertTrue(ours.size() > 3000);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"level1", "level2"})
    void plainTreeIsTheHostTreeIgnoringCase(String name) throws IOException {
        try (IsoFileSystem fs = open(name)) {
            assertEquals(Namespace.PLAIN, fs.volume().namespace());
            assertFalse(fs.caseSensitive());
            assertSameTree(plainTree, fs, false);
            assertEquals("VMLINUZ", FsPaths.resolve(fs, "/boot/vmlinuz").name());
            assertEquals("NOEXT", FsPaths.resolve(fs, "/NOEXT").name());
        }
    }

    /** Level 1 mangles the reference tree's names: the reader must list exactly what isoinfo lists. */
    @Test
    void mangledPlainListingIsWhatIsoinfoLists() throws IOException {
        SortedMap<String, String> isoinfo = new TreeMap<>();
        IsoImages.isoinfoListing(image("level1-mangled")).forEach((p, v) -> isoinfo.put(plainName(p), v));
        try (IsoFileSystem fs = open("level1-mangled")) {
            SortedMap<String, String> ours = new TreeMap<>();
            listing(fs, fs.root(), "/", ours);
            assertSameListing(isoinfo, ours);
            assertTrue(ours.size() > 3000, "only " + ours.size());
        }
    }

    /** isoinfo prints FILE.EXT;1 and NOEXT.;1: the version and an empty extension's dot are not part of names. */
    private static String plainName(String path) {
        return path.replaceAll(";1(?=/|$)", "").replaceAll("(?<=[^/.])\\.(?=/|$)", "");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"rr-joliet", "joliet", "level1", "level2", "genisoimage-rr"})
    void labelAndUuidAreWhatBlkidSays(String name) throws IOException {
        String blkid = ExternalTool.run("blkid", "-p", "-o", "udev", image(name).toString());
        try (IsoFileSystem fs = open(name)) {
            assertEquals(decodeBlkid(field(blkid, "ID_FS_LABEL_ENC")), fs.label());
            assertEquals(field(blkid, "ID_FS_UUID"), fs.uuid());
            assertEquals("iso9660", fs.type());
        }
    }

    @Test
    void labelsMergeJolietAndPrimaryIdentifiers() throws IOException {
        try (IsoFileSystem fs = open("rr-joliet")) {
            assertEquals("vmboot Rock Ridge+Joliet", fs.label());
        }
        try (IsoFileSystem fs = open("joliet")) {
            assertEquals("Grüße Ωμέγα 日本", fs.label());
        }
        try (IsoFileSystem fs = open("level2")) {
            assertEquals("Level two label", fs.label());
            assertTrue(fs.uuid().matches("\\d{4}-\\d\\d-\\d\\d-\\d\\d-\\d\\d-\\d\\d-\\d\\d"), fs.uuid());
        }
    }

    static String field(String export, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + "=(.*)$").matcher(export);
        assertTrue(m.find(), () -> name + " not in " + export);
        return m.group(1);
    }

    /** blkid -o udev writes {@code \\xHH} for the bytes of white space and other unsafe characters. */
    static String decodeBlkid(String encoded) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < encoded.length(); i++) {
            if (encoded.startsWith("\\x", i) && i + 4 <= encoded.length()) {
                bytes.write(Integer.parseInt(encoded.substring(i + 2, i + 4), 16));
                i += 3;
            } else {
                bytes.writeBytes(String.valueOf(encoded.charAt(i)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        return bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void channelsAreReadOnlyAndSeekable() throws IOException {
        try (IsoFileSystem fs = open("rr-joliet")) {
            FsNode file = FsPaths.resolve(fs, "/files/file-1048577.bin");
            byte[] host = Files.readAllBytes(tree.resolve("files/file-1048577.bin"));
            try (SeekableByteChannel ch = fs.open(file)) {
                assertEquals(host.length, ch.size());
                ch.position(host.length - 10);
                ByteBuffer buf = ByteBuffer.allocate(100);
                assertEquals(10, ch.read(buf));
                assertEquals(ByteBuffer.wrap(host, host.length - 10, 10), buf.flip());
                assertEquals(-1, ch.read(ByteBuffer.allocate(1)));
                ch.position(4095);
                ByteBuffer two = ByteBuffer.allocate(2);
                assertEquals(2, ch.read(two));
                assertEquals(ByteBuffer.wrap(host, 4095, 2), two.flip());
                assertThrows(NonWritableChannelException.class, () -> ch.write(ByteBuffer.allocate(1)));
                assertThrows(NonWritableChannelException.class, () -> ch.truncate(0));
            }
        }
    }

    @Test
    void probeAcceptsIsoImagesOnly() throws IOException {
        try (FileBlockDevice dev = FileBlockDevice.open(image("joliet"))) {
            assertTrue(new IsoReader().probe(dev));
        }
        assertFalse(new IsoReader().probe(new MemoryBlockDevice(new byte[40_000])));
        assertFalse(new IsoReader().probe(new MemoryBlockDevice(new byte[100])));
    }
}
