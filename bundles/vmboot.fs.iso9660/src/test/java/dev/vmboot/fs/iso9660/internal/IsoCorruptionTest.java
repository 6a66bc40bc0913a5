package dev.vmboot.fs.iso9660.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.SortedMap;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.vmboot.api.fs.CorruptFilesystemException;
import dev.vmboot.api.fs.DirectoryBudget;
import dev.vmboot.api.fs.DirectoryBudgetException;
import dev.vmboot.api.fs.FileSystem;
import dev.vmboot.api.fs.FileType;
import dev.vmboot.api.fs.FsNode;
import dev.vmboot.api.fs.FsPaths;
import dev.vmboot.testkit.BoundedWalk;
import dev.vmboot.testkit.MemoryBlockDevice;
import dev.vmboot.testkit.ReferenceTree;

/**
 * Corrupt and truncated images: every outcome is a correct read or an IOException (CorruptFilesystemException naming
 * the structure and its offset for bad metadata), never an unchecked exception, a hang or a runaway allocation.
 */
class IsoCorruptionTest {
    @TempDir
    static Path work;
    static Path tree;

    @BeforeAll
    static void buildImages() throws IOException {
        tree = work.resolve("tree");
        ReferenceTree.in(tree, 41)
                .file("files/a.bin", 3000)
                .file("files/b.bin", 70_000)
                .file("files/empty", 0)
                .deepPath("deep", 10)
                .unicodeNames("unicode")
                .symlinks("links")
                .bigDirectory("big", 200);
        IsoImages.xorriso(work.resolve("rock-ridge.iso"), tree, "-R", "-J", "-rr_reloc_dir", "RR_MOVED", "-V",
                "CORRUPT");
        IsoImages.xorriso(work.resolve("joliet.iso"), tree, "--norock", "-J", "-V", "CORRUPT");
        IsoImages.genisoimage(work.resolve("plain.iso"), tree, "-V", "CORRUPT");
    }

    static byte[] image(String kind) throws IOException {
        return Files.readAllBytes(work.resolve(kind + ".iso"));
    }

    static IsoFileSystem open(byte[] data) throws IOException {
        return IsoFileSystem.open(new MemoryBlockDevice(data));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"rock-ridge", "joliet", "plain"})
    void bitFlipsInEveryMetadataSectorGiveATreeOrAnIOException(String kind) throws IOException {
        byte[] data = image(kind);
        BitSet fileData = new BitSet();
        try (IsoFileSystem fs = open(data)) {
            markFileData(fs, fs.root(), fileData, 0);
        }
        Random random = new Random(2024);
        int trials = 0;
        int detected = 0;
        for (int sector = VolumeDescriptorSet.FIRST_SECTOR; sector < data.length / 2048; sector++) {
            if (fileData.get(sector) || isZero(data, sector * 2048, 2048)) {
                continue;
            }
            for (int k = 0; k < 4; k++) {
                long bit = (long) sector * 2048 * 8 + random.nextInt(2048 * 8);
                int at = (int) (bit >> 3);
                byte mask = (byte) (1 << (bit & 7));
                data[at] ^= mask;
                trials++;
                try (FileSystem fs = open(data)) {
                    fs.label();
                    fs.uuid();
                    for (String path : BoundedWalk.of(fs).keySet()) {
                        FsPaths.resolve(fs, path, false);
                    }
                } catch (IOException expected) {
                    detected++;
                } catch (RuntimeException | Error e) {
                    throw new AssertionError("bit flip at byte " + at + " (sector " + sector + ") gave " + e, e);
                } finally {
                    data[at] ^= mask;
                }
            }
        }
        assertTrue(trials > 40, "only " + trials + " trials");
        assertTrue(detected > 0, "no flip among " + trials + " was noticed");
    }

    private static void markFileData(IsoFileSystem fs, FsNode dir, BitSet out, int depth) throws IOException {
        assertTrue(depth < 64);
        for (FsNode n : fs.list(dir)) {
            if (n.type() == FileType.DIRECTORY) {
                markFileData(fs, n, out, depth + 1);
            } else if (n.type() == FileType.REGULAR) {
                for (FileSection s : ((IsoNode) n).extents().sections()) {
                    out.set((int) (s.start() / 2048), (int) ((s.deviceEnd() + 2047) / 2048));
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

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"rock-ridge", "joliet", "plain"})
    void truncatedImagesReadWhatIsThereOrFailCleanly(String kind) throws IOException {
        byte[] data = image(kind);
        for (int sectors = 0; sectors * 2048 < data.length; sectors += 3) {
            byte[] cut = Arrays.copyOf(data, sectors * 2048 + (sectors % 2 == 0 ? 0 : 700));
            try (FileSystem fs = open(cut)) {
                BoundedWalk.of(fs);
            } catch (IOException expected) {
                // reported cleanly
            } catch (RuntimeException | Error e) {
                throw new AssertionError("image cut to " + cut.length + " bytes gave " + e, e);
            }
        }
        byte[] beforeTerminator = Arrays.copyOf(data, 17 * 2048);
        assertFalse(new IsoReader().probe(new MemoryBlockDevice(beforeTerminator)));
        CorruptFilesystemException e = assertThrows(CorruptFilesystemException.class, () -> open(beforeTerminator));
        assertTrue(e.getMessage().contains("before a set terminator"), e.getMessage());
        assertFalse(new IsoReader().probe(new MemoryBlockDevice(Arrays.copyOf(data, 16 * 2048))));
    }

    @Test
    void fileBeyondATruncatedEndFailsWhenOpened() throws IOException {
        byte[] data = image("rock-ridge");
        IsoNode b;
        try (IsoFileSystem fs = open(data)) {
            b = (IsoNode) FsPaths.resolve(fs, "/files/b.bin");
        }
        byte[] cut = Arrays.copyOf(data, (int) b.extents().firstByte() + 10_000);
        try (IsoFileSystem fs = open(cut)) {
            FsNode node = FsPaths.resolve(fs, "/files/b.bin");
            CorruptFilesystemException e = assertThrows(CorruptFilesystemException.class, () -> fs.open(node));
            assertTrue(e.getMessage().contains("beyond the end of the device"), e.getMessage());
            assertEquals(b.recordOffset(), e.offset());
        }
    }

    @Test
    void directoryRecordPointingToAnAncestorIsALoop() throws IOException {
        byte[] data = image("rock-ridge");
        IsoNode level3;
        IsoNode level1;
        try (IsoFileSystem fs = open(data)) {
            level1 = (IsoNode) FsPaths.resolve(fs, "/deep/level0/level1");
            level3 = (IsoNode) FsPaths.resolve(fs, "/deep/level0/level1/level2/level3");
        }
        // level3's record (in level2) now leads back to level1.
        putBoth32(data, (int) level3.recordOffset() + 2, level1.extents().firstByte() / 2048);
        try (IsoFileSystem fs = open(data)) {
            FsNode level2 = FsPaths.resolve(fs, "/deep/level0/level1/level2");
            CorruptFilesystemException e = assertThrows(CorruptFilesystemException.class, () -> fs.list(level2));
            assertTrue(e.getMessage().contains("a directory loop"), e.getMessage());
            assertEquals(level3.recordOffset(), e.offset());
        }
    }

    @Test
    void directoryRecordPointingToItsOwnDirectoryIsALoop() throws IOException {
        byte[] data = image("joliet");
        IsoNode files;
        try (IsoFileSystem fs = open(data)) {
            files = (IsoNode) FsPaths.resolve(fs, "/files");
        }
        // The Joliet root's entry for "files" now points at the root directory itself.
        IsoNode root;
        try (IsoFileSystem fs = open(data)) {
            root = (IsoNode) fs.root();
        }
        putBoth32(data, (int) files.recordOffset() + 2, root.extents().firstByte() / 2048);
        try (IsoFileSystem fs = open(data)) {
            CorruptFilesystemException e = assertThrows(CorruptFilesystemException.class, () -> fs.list(fs.root()));
            assertTrue(e.getMessage().contains("a directory loop"), e.getMessage());
        }
    }

    @Test
    void childLinkToAnAncestorIsALoop() throws IOException {
        byte[] data = image("rock-ridge");
        String parent = null;
        int cl = -1;
        try (IsoFileSystem fs = open(data)) {
            String path = "/deep";
            for (int level = 0; level < 10 && cl < 0; level++) {
                parent = path;
                path += "/level" + level;
                cl = findEntry(data, (int) ((IsoNode) FsPaths.resolve(fs, path)).recordOffset(), "CL");
            }
        }
        assertTrue(cl > 0, "xorriso did not relocate the deep directories");
        long rootBlock = IsoNumbers.u32le(data, 16 * 2048 + 156 + 2);
        putBoth32(data, cl + 4, rootBlock);
        String above = parent;
        try (IsoFileSystem fs = open(data)) {
            FsNode dir = FsPaths.resolve(fs, above);
            CorruptFilesystemException e = assertThrows(CorruptFilesystemException.class, () -> fs.list(dir));
            assertTrue(e.getMessage().contains("a directory loop"), e.getMessage());
        }
    }

    @Test
    void continuationAreaPointingToItselfIsALoop() throws IOException {
        byte[] data = image("rock-ridge");
        IsoNode link;
        try (IsoFileSystem fs = open(data)) {
            link = (IsoNode) FsPaths.resolve(fs, "/links/long-link", false);
        }
        int record = (int) link.recordOffset();
        int ce = findEntry(data, record, "CE");
        assertTrue(ce > 0, "the 250-byte link target did not need a continuation area");
        // Point the CE at the record's own system use field, where the same CE is found again.
        DirectoryRecord parsed = DirectoryRecord.parse(data, record, record);
        putBoth32(data, ce + 4, parsed.systemUseOffset() / 2048);
        putBoth32(data, ce + 12, parsed.systemUseOffset() % 2048);
        putBoth32(data, ce + 20, parsed.systemUse().length);
        try (IsoFileSystem fs = open(data)) {
            FsNode links = FsPaths.resolve(fs, "/links");
            CorruptFilesystemException e = assertThrows(CorruptFilesystemException.class, () -> fs.list(links));
            assertTrue(e.getMessage().contains("continuation loop"), e.getMessage());
            assertEquals(ce, e.offset());
        }
    }

    /**
     * Continuation areas and the '.' records of relocated directories are read while listing a directory, beyond its
     * own data: up to 32 areas of 2 KiB for each record, so they count against the directory's bound too. Here the
     * bound is the directory's own data, which a listing that reads nothing more fits.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/links", "relocation"})
    void readsBeyondTheDirectoryDataCountAgainstItsBound(String directory) throws IOException {
        byte[] data = image("rock-ridge");
        String path = directory;
        long size;
        try (IsoFileSystem fs = open(data)) {
            if (directory.equals("relocation")) {
                path = "/deep";
                for (int level = 0; findEntry(data, (int) ((IsoNode) FsPaths.resolve(fs, path + "/level" + level))
                        .recordOffset(), "CL") < 0; level++) {
                    path += "/level" + level;
                }
            }
            size = FsPaths.resolve(fs, path).size();
            assertTrue(size <= 2048, path + " is " + size + " bytes");
        }
        DirectoryBudget.Bounds ownData = new DirectoryBudget.Bounds(DirectoryBudget.RECORDS_PER_DIRECTORY, 2048,
                DirectoryBudget.RECORDS_PER_VOLUME, DirectoryBudget.BYTES_PER_VOLUME);
        try (IsoFileSystem fs = IsoFileSystem.open(new MemoryBlockDevice(data), ownData)) {
            FsNode dir = FsPaths.resolve(fs, path);
            DirectoryBudgetException e = assertThrows(DirectoryBudgetException.class, () -> fs.list(dir));
            assertEquals(DirectoryBudgetException.Scope.DIRECTORY, e.scope());
            assertTrue(e.getMessage().startsWith("ISO9660 directory \"" + path.substring(path.lastIndexOf('/') + 1)
                    + "\" has more than 2048 bytes of directory data"), e.getMessage());
        }
    }

    @Test
    void continuationAreaOutsideItsBlockIsRefused() throws IOException {
        byte[] data = image("rock-ridge");
        IsoNode link;
        try (IsoFileSystem fs = open(data)) {
            link = (IsoNode) FsPaths.resolve(fs, "/links/long-link", false);
        }
        int ce = findEntry(data, (int) link.recordOffset(), "CE");
        putBoth32(data, ce + 12, 2000);
        try (IsoFileSystem fs = open(data)) {
            FsNode links = FsPaths.resolve(fs, "/links");
            CorruptFilesystemException e = assertThrows(CorruptFilesystemException.class, () -> fs.list(links));
            assertTrue(e.getMessage().contains("does not fit its 2048-byte block"), e.getMessage());
        }
    }

    @Test
    void bothEndianCopiesMustAgree() throws IOException {
        byte[] data = image("plain");
        IsoNode a;
        try (IsoFileSystem fs = open(data)) {
            a = (IsoNode) FsPaths.resolve(fs, "/FILES/A.BIN");
        }
        int at = (int) a.recordOffset();
        data[at + 10] ^= 0x10; // little-endian copy of the data length only
        try (IsoFileSystem fs = open(data)) {
            FsNode files = FsPaths.resolve(fs, "/FILES");
            CorruptFilesystemException e = assertThrows(CorruptFilesystemException.class, () -> fs.list(files));
            assertTrue(e.getMessage().contains("data length: little-endian copy"), e.getMessage());
            assertEquals(at, e.offset());
        }
        data[at + 10] ^= 0x10;
        data[16 * 2048 + 131] ^= 0x01; // big-endian logical block size in the primary volume descriptor
        CorruptFilesystemException e = assertThrows(CorruptFilesystemException.class, () -> open(data));
        assertTrue(e.getMessage().contains("logical block size"), e.getMessage());
        assertEquals(16 * 2048, e.offset());
    }

    @Test
    void absurdSizesAreRefused() throws IOException {
        byte[] data = image("rock-ridge");
        IsoNode big;
        IsoNode a;
        try (IsoFileSystem fs = open(data)) {
            big = (IsoNode) FsPaths.resolve(fs, "/big");
            a = (IsoNode) FsPaths.resolve(fs, "/files/a.bin");
        }
        putBoth32(data, (int) big.recordOffset() + 10, 0xFFFF_F000L);
        putBoth32(data, (int) a.recordOffset() + 10, 0xFFFF_F000L);
        try (IsoFileSystem fs = open(data)) {
            FsNode bigDir = FsPaths.resolve(fs, "/big");
            CorruptFilesystemException e = assertThrows(CorruptFilesystemException.class, () -> fs.list(bigDir));
            assertTrue(e.getMessage().contains("exceeds"), e.getMessage());
            FsNode file = FsPaths.resolve(fs, "/files/a.bin");
            assertEquals(0xFFFF_F000L, file.size());
            e = assertThrows(CorruptFilesystemException.class, () -> fs.open(file));
            assertTrue(e.getMessage().contains("beyond the end of the device"), e.getMessage());
        }
    }

    @Test
    void unfinishedMultiExtentFileIsRefused() throws IOException {
        byte[] data = image("plain");
        IsoNode a;
        try (IsoFileSystem fs = open(data)) {
            a = (IsoNode) FsPaths.resolve(fs, "/FILES/A.BIN");
        }
        data[(int) a.recordOffset() + 25] |= (byte) DirectoryRecord.FLAG_MULTI_EXTENT;
        try (IsoFileSystem fs = open(data)) {
            FsNode files = FsPaths.resolve(fs, "/FILES");
            CorruptFilesystemException e = assertThrows(CorruptFilesystemException.class, () -> fs.list(files));
            assertTrue(e.getMessage().contains("before its final section"), e.getMessage());
            assertEquals(a.recordOffset(), e.offset());
        }
    }

    /** ECMA-119 6.4.3 interleaving: file units of {@code unit} blocks separated by gaps of {@code gap} blocks. */
    @ParameterizedTest(name = "unit {0}")
    @ValueSource(ints = {1, 2, 3})
    void interleavedFilesReadTheirUnitsAndSkipTheGaps(int unit) throws IOException {
        byte[] data = image("plain");
        IsoNode b;
        try (IsoFileSystem fs = open(data)) {
            b = (IsoNode) FsPaths.resolve(fs, "/FILES/B.BIN");
        }
        byte[] original = Files.readAllBytes(tree.resolve("files/b.bin"));
        int gap = 2;
        int length = 5 * 2048 + 100;
        int record = (int) b.recordOffset();
        data[record + 26] = (byte) unit;
        data[record + 27] = (byte) gap;
        putBoth32(data, record + 10, length);
        byte[] expected = new byte[length];
        for (int pos = 0; pos < length; pos++) {
            int block = pos / 2048;
            int deviceBlock = block / unit * (unit + gap) + block % unit;
            expected[pos] = original[deviceBlock * 2048 + pos % 2048];
        }
        try (IsoFileSystem fs = open(data)) {
            assertArrayEquals(expected, readAll(fs, FsPaths.resolve(fs, "/FILES/B.BIN")));
        }
    }

    @Test
    void extendedAttributeRecordBlocksPrecedeTheData() throws IOException {
        byte[] data = image("plain");
        IsoNode b;
        try (IsoFileSystem fs = open(data)) {
            b = (IsoNode) FsPaths.resolve(fs, "/FILES/B.BIN");
        }
        byte[] original = Files.readAllBytes(tree.resolve("files/b.bin"));
        int record = (int) b.recordOffset();
        data[record + 1] = 2;
        putBoth32(data, record + 10, original.length - 2 * 2048);
        try (IsoFileSystem fs = open(data)) {
            assertArrayEquals(Arrays.copyOfRange(original, 2 * 2048, original.length),
                    readAll(fs, FsPaths.resolve(fs, "/FILES/B.BIN")));
        }
    }

    @Test
    void associatedFilesAreNotListed() throws IOException {
        byte[] data = image("plain");
        IsoNode a;
        try (IsoFileSystem fs = open(data)) {
            a = (IsoNode) FsPaths.resolve(fs, "/FILES/A.BIN");
        }
        data[(int) a.recordOffset() + 25] |= (byte) DirectoryRecord.FLAG_ASSOCIATED;
        try (IsoFileSystem fs = open(data)) {
            List<String> names = fs.list(FsPaths.resolve(fs, "/FILES")).stream().map(FsNode::name).toList();
            assertEquals(List.of("B.BIN", "EMPTY"), names);
        }
    }

    @Test
    void rockRidgeModeMustAgreeWithTheDirectoryFlag() throws IOException {
        byte[] data = image("rock-ridge");
        IsoNode a;
        try (IsoFileSystem fs = open(data)) {
            a = (IsoNode) FsPaths.resolve(fs, "/files/a.bin");
        }
        int px = findEntry(data, (int) a.recordOffset(), "PX");
        putBoth32(data, px + 4, 040755);
        try (IsoFileSystem fs = open(data)) {
            FsNode files = FsPaths.resolve(fs, "/files");
            CorruptFilesystemException e = assertThrows(CorruptFilesystemException.class, () -> fs.list(files));
            assertTrue(e.getMessage().contains("disagrees with the directory flag"), e.getMessage());
        }
    }

    @Test
    void descriptorSetWithoutTerminatorIsRefused() throws IOException {
        byte[] data = image("plain");
        int terminator = -1;
        for (int s = 16; s < 40; s++) {
            if ((data[s * 2048] & 0xff) == 255) {
                terminator = s;
                break;
            }
        }
        data[terminator * 2048 + 1] = 'X';
        assertFalse(new IsoReader().probe(new MemoryBlockDevice(data)));
        CorruptFilesystemException e = assertThrows(CorruptFilesystemException.class, () -> open(data));
        assertTrue(e.getMessage().contains("no standard identifier CD001"), e.getMessage());
        assertEquals(terminator * 2048L, e.offset());
    }

    @Test
    void garbageIsNotIso9660() throws IOException {
        byte[] junk = new byte[200_000];
        new Random(1).nextBytes(junk);
        assertFalse(new IsoReader().probe(new MemoryBlockDevice(junk)));
        assertThrows(CorruptFilesystemException.class, () -> open(junk));
        byte[] empty = new byte[0];
        assertFalse(new IsoReader().probe(new MemoryBlockDevice(empty)));
        assertThrows(CorruptFilesystemException.class, () -> open(empty));
    }

    /** The device offset of the SUSP entry {@code signature} in the record at {@code record}, or -1. */
    static int findEntry(byte[] data, int record, String signature) throws IOException {
        DirectoryRecord parsed = DirectoryRecord.parse(data, record, record);
        int pos = (int) parsed.systemUseOffset();
        int end = record + (data[record] & 0xff);
        while (pos + 4 <= end && data[pos] != 0) {
            if (data[pos] == signature.charAt(0) && data[pos + 1] == signature.charAt(1)) {
                return pos;
            }
            pos += data[pos + 2] & 0xff;
        }
        return -1;
    }

    static byte[] readAll(FileSystem fs, FsNode file) throws IOException {
        try (SeekableByteChannel ch = fs.open(file)) {
            ByteBuffer buf = ByteBuffer.allocate((int) file.size());
            while (buf.hasRemaining() && ch.read(buf) >= 0) {
                // fill
            }
            return buf.array();
        }
    }

    /** Writes a both-byte-order 32-bit value (ECMA-119 7.3.3). */
    static void putBoth32(byte[] b, int at, long v) {
        for (int i = 0; i < 4; i++) {
            b[at + i] = (byte) (v >>> (8 * i));
            b[at + 7 - i] = (byte) (v >>> (8 * i));
        }
    }

    static SortedMap<String, String> walk(byte[] data) throws IOException {
        try (IsoFileSystem fs = open(data)) {
            return BoundedWalk.of(fs);
        }
    }
}
