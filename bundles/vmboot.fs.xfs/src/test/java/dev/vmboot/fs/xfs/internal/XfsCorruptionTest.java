package dev.vmboot.fs.xfs.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;
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

/**
 * Corrupt and truncated images: every outcome is a correct read or an IOException (CorruptFilesystemException for
 * bad metadata), never an unchecked exception, a hang or a runaway allocation.
 */
class XfsCorruptionTest {
    @TempDir
    static Path work;
    static Path proto;

    @BeforeAll
    static void buildTree() throws IOException {
        Path tree = work.resolve("tree");
        ReferenceTree.in(tree, 3)
                .file("files/a.bin", 3000)
                .file("files/b.bin", 70_000)
                .file("files/empty", 0)
                .deepPath("deep", 5)
                .unicodeNames("unicode")
                .symlinks("links")
                .bigDirectory("blockdir", 40)
                .bigDirectory("leafdir", 200)
                .bigDirectory("nodedir", 700);
        proto = XfsImages.protofile(tree, work.resolve("proto.txt"));
    }

    /**
     * A small image (1 KiB blocks, 4 KiB directory blocks: 40, 200 and 700 entries make block, leaf and node
     * directories; two AGs), loaded into memory.
     */
    static byte[] image(String name, String... extra) throws IOException {
        String[] options = new String[extra.length + 6];
        System.arraycopy(new String[] {"-b", "size=1024", "-d", "agcount=2", "-p", proto.toString()}, 0, options, 0,
                6);
        System.arraycopy(extra, 0, options, 6, extra.length);
        return Files.readAllBytes(XfsImages.mkfs(work.resolve(name), 32L << 20, options));
    }

    @ParameterizedTest(name = "crc={0}")
    @ValueSource(strings = {"1", "0"})
    void bitFlipsInEveryMetadataBlockGiveTheRightTreeOrAnIOException(String crc) throws IOException {
        byte[] data = image("flip-" + crc + ".img", "-m", "crc=" + crc);
        MemoryBlockDevice dev = new MemoryBlockDevice(data);
        SortedMap<String, String> good;
        BitSet fileData = new BitSet();
        int blockSize;
        try (FileSystem fs = new XfsReader().open(dev)) {
            good = BoundedWalk.of(fs);
            XfsFileSystem xfs = (XfsFileSystem) fs;
            blockSize = xfs.superblock().blockSize();
            markFileData(xfs, fs.root(), fileData, 0);
        }
        Random random = new Random(2024);
        int trials = 0;
        int detected = 0;
        for (int block = 0; block < data.length / blockSize; block++) {
            if (fileData.get(block) || isZero(data, block * blockSize, blockSize)) {
                continue;
            }
            for (int k = 0; k < 4; k++) {
                long bit = (long) block * blockSize * 8 + random.nextInt(blockSize * 8);
                int at = (int) (bit >> 3);
                byte mask = (byte) (1 << (bit & 7));
                data[at] ^= mask;
                trials++;
                try (FileSystem fs = new XfsReader().open(dev)) {
                    SortedMap<String, String> read = BoundedWalk.of(fs);
                    FsPaths.resolve(fs, "/nodedir/entry-000123-with-a-longer-name");
                    FsPaths.resolve(fs, "/leafdir/entry-000007-with-a-longer-name");
                    if (crc.equals("1")) {
                        assertEquals(good, read, "v5 metadata is checksummed, yet a flip at byte "
                                + at + " changed what was read");
                    }
                } catch (IOException expected) {
                    detected++;
                } catch (RuntimeException | Error e) {
                    throw new AssertionError("bit flip at byte " + at + " (block " + block + ") gave " + e, e);
                } finally {
                    data[at] ^= mask;
                }
            }
        }
        assertTrue(trials > 100, "only " + trials + " trials");
        if (crc.equals("1")) {
            assertTrue(detected > trials / 4, "only " + detected + " of " + trials + " flips were noticed");
        }
    }

    private static void markFileData(XfsFileSystem fs, FsNode dir, BitSet out, int depth) throws IOException {
        assertTrue(depth < 64);
        for (FsNode n : fs.list(dir)) {
            if (n.type() == FileType.DIRECTORY) {
                markFileData(fs, n, out, depth + 1);
            } else if (n.type() == FileType.REGULAR) {
                ExtentMap map = ExtentMap.of(fs.volume(), ((XfsNode) n).inode());
                for (int i = 0; i < map.size(); i++) {
                    out.set((int) map.deviceBlock(i), (int) (map.deviceBlock(i) + map.blockCount(i)));
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

    @Test
    void unknownIncompatibleFeatureIsRefusedByName() throws IOException {
        byte[] data = image("incompat.img");
        data[216] |= 0x40; // bit 30 of sb_features_incompat
        fixCrc(data, 0, 512, XfsSuperblock.CRC_OFFSET);
        CorruptFilesystemException e = assertThrows(CorruptFilesystemException.class,
                () -> new XfsReader().open(new MemoryBlockDevice(data)));
        assertTrue(e.getMessage().contains("unknown incompatible feature bits 0x40000000"), e.getMessage());
    }

    @Test
    void superblockChecksumAndMagicAreChecked() throws IOException {
        byte[] data = image("sb.img");
        data[130] ^= 1; // sb_icount, covered by the CRC only
        CorruptFilesystemException e = assertThrows(CorruptFilesystemException.class,
                () -> new XfsReader().open(new MemoryBlockDevice(data)));
        assertTrue(e.getMessage().contains("CRC mismatch"), e.getMessage());
        data[130] ^= 1;
        data[0] = 'Y';
        assertFalse(new XfsReader().probe(new MemoryBlockDevice(data)));
        assertThrows(CorruptFilesystemException.class, () -> new XfsReader().open(new MemoryBlockDevice(data)));
    }

    @Test
    void truncatedImagesAreRefusedCleanly() throws IOException {
        byte[] data = image("trunc.img");
        byte[] half = Arrays.copyOf(data, data.length / 2);
        CorruptFilesystemException e = assertThrows(CorruptFilesystemException.class,
                () -> new XfsReader().open(new MemoryBlockDevice(half)));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        byte[] tiny = Arrays.copyOf(data, 300);
        assertFalse(new XfsReader().probe(new MemoryBlockDevice(tiny)));
        assertThrows(IOException.class, () -> new XfsReader().open(new MemoryBlockDevice(tiny)));
        assertFalse(new XfsReader().probe(new MemoryBlockDevice(new byte[0])));
    }

    @Test
    void daNodeThatPointsToItselfIsALoop() throws IOException {
        byte[] data = image("danode.img");
        MemoryBlockDevice dev = new MemoryBlockDevice(data);
        XfsFileSystem fs = (XfsFileSystem) new XfsReader().open(dev);
        XfsNode dir = (XfsNode) FsPaths.resolve(fs, "/nodedir");
        DirectoryBlocks blocks = new DirectoryBlocks(fs.volume(), dir.inode());
        DirectoryBlocks.Block node = blocks.read(blocks.leafFirstBlock());
        assertEquals(XfsDirectory.DA_NODE_MAGIC_V5, BigEndian.getU16(node.data(), 8));
        int count = BigEndian.getU16(node.data(), 56);
        int at = (int) node.deviceOffset();
        for (int i = 0; i < count; i++) {
            putInt(data, at + 64 + i * 8 + 4, (int) (blocks.leafFirstBlock() << fs.superblock().dirBlockLog()));
        }
        fixCrc(data, at, node.data().length, 12);
        XfsFileSystem fresh = (XfsFileSystem) new XfsReader().open(dev);
        FsNode d = FsPaths.resolve(fresh, "/nodedir");
        CorruptFilesystemException e = assertThrows(CorruptFilesystemException.class,
                () -> fresh.lookup(d, "entry-000001-with-a-longer-name"));
        assertTrue(e.getMessage().contains("itself"), e.getMessage());
        assertEquals(700, fresh.list(d).size(), "listing reads the data blocks only");
    }

    @Test
    void directoryEntryThatPointsToItsOwnDirectory() throws IOException {
        byte[] data = image("selfentry.img");
        MemoryBlockDevice dev = new MemoryBlockDevice(data);
        XfsFileSystem fs = (XfsFileSystem) new XfsReader().open(dev);
        XfsNode dir = (XfsNode) FsPaths.resolve(fs, "/blockdir");
        DirectoryBlocks blocks = new DirectoryBlocks(fs.volume(), dir.inode());
        DirectoryBlocks.Block first = blocks.read(0);
        int at = (int) first.deviceOffset();
        // The first entry after the 64-byte header is "."; the third is the first file.
        int pos = 64;
        for (int skip = 0; skip < 2; skip++) {
            int nameLen = data[at + pos + 8] & 0xff;
            pos += (8 + 1 + nameLen + 1 + 2 + 7) & ~7;
        }
        putLong(data, at + pos, dir.inode().ino());
        fixCrc(data, at, first.data().length, 4);
        XfsFileSystem fresh = (XfsFileSystem) new XfsReader().open(dev);
        CorruptFilesystemException e = assertThrows(CorruptFilesystemException.class,
                () -> fresh.list(FsPaths.resolve(fresh, "/blockdir")));
        assertTrue(e.getMessage().contains("points back to the directory itself"), e.getMessage());
    }

    @Test
    void directoryExtentThatPointsAtItsOwnInodeBlock() throws IOException {
        byte[] data = image("selfblock.img");
        MemoryBlockDevice dev = new MemoryBlockDevice(data);
        XfsFileSystem fs = (XfsFileSystem) new XfsReader().open(dev);
        XfsSuperblock sb = fs.superblock();
        XfsNode dir = (XfsNode) FsPaths.resolve(fs, "/blockdir");
        XfsInode inode = dir.inode();
        assertEquals(XfsInode.FMT_EXTENTS, inode.format());
        long inodeOffset = sb.inodeOffset(inode.ino());
        long ownBlock = inodeOffset >> sb.blockLog();
        long agno = ownBlock / sb.agBlocks();
        long fsb = agno << sb.agBlockLog() | ownBlock % sb.agBlocks();
        // Rewrite the first extent record: file block 0, start block = the inode's own block, one directory block.
        long l0 = fsb >>> 43;
        long l1 = fsb << 21 | 1L << sb.dirBlockLog();
        int rec = (int) inodeOffset + XfsInode.CORE_V3;
        putLong(data, rec, l0);
        putLong(data, rec + 8, l1);
        fixCrc(data, (int) inodeOffset, sb.inodeSize(), XfsInode.CRC_OFFSET);
        XfsFileSystem fresh = (XfsFileSystem) new XfsReader().open(dev);
        CorruptFilesystemException e = assertThrows(CorruptFilesystemException.class,
                () -> fresh.list(FsPaths.resolve(fresh, "/blockdir")));
        assertTrue(e.getMessage().contains("bad magic"), e.getMessage());
    }

    static void fixCrc(byte[] data, int offset, int length, int crcOffset) {
        int crc = MetadataChecksum.compute(data, offset, length, crcOffset);
        for (int i = 0; i < 4; i++) {
            data[offset + crcOffset + i] = (byte) (crc >>> (8 * i));
        }
    }

    static void putInt(byte[] b, int at, int v) {
        for (int i = 0; i < 4; i++) {
            b[at + i] = (byte) (v >>> (24 - 8 * i));
        }
    }

    static void putLong(byte[] b, int at, long v) {
        putInt(b, at, (int) (v >>> 32));
        putInt(b, at + 4, (int) v);
    }

    @Test
    void garbageIsNotXfs() throws IOException {
        byte[] junk = new byte[65536];
        new Random(1).nextBytes(junk);
        assertFalse(new XfsReader().probe(new MemoryBlockDevice(junk)));
        assertThrows(CorruptFilesystemException.class, () -> new XfsReader().open(new MemoryBlockDevice(junk)));
    }
}
