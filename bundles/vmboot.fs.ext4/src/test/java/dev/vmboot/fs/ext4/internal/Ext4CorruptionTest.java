package dev.vmboot.fs.ext4.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
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
import dev.vmboot.api.fs.FileSystem;
import dev.vmboot.api.fs.FileType;
import dev.vmboot.api.fs.FsNode;
import dev.vmboot.api.fs.FsPaths;
import dev.vmboot.testkit.BoundedWalk;
import dev.vmboot.testkit.MemoryBlockDevice;
import dev.vmboot.testkit.ReferenceTree;

/**
 * Corrupt images: bit flips over every metadata block of small ext4 (metadata_csum), ext4 (no checksums) and ext2
 * images, and targeted damage (superblock magic and checksum, unknown features, group descriptor and inode checksums,
 * an extent index pointing at itself or twice at one child, a directory block of another directory, truncation).
 * Every outcome must be a correct read or an IOException; never a RuntimeException, an Error or a hang.
 */
class Ext4CorruptionTest {
    @TempDir
    static Path work;
    static byte[] csumImage;
    static byte[] plainImage;
    static byte[] ext2Image;

    @BeforeAll
    static void build() throws IOException {
        Path tree = work.resolve("tree");
        ReferenceTree.in(tree, 3)
                .file("a.txt", 3000)
                .file("dir/b.bin", 70_000)
                .symlinks("links")
                .bigDirectory("many", 150)
                .deepPath("deep", 4);
        islands(tree.resolve("islands.bin"), 400);
        Files.createDirectories(tree.resolve("lost+found"));
        Path csum = Ext4Images.mkfs(work.resolve("csum.img"), 4L << 20, tree, "-t", "ext4", "-b", "1024", "-O",
                "metadata_csum,64bit,^resize_inode", "-N", "512");
        Ext4Images.optimiseDirectories(csum);
        csumImage = Files.readAllBytes(csum);
        Path plain = Ext4Images.mkfs(work.resolve("plain.img"), 4L << 20, tree, "-t", "ext4", "-b", "1024", "-O",
                "^metadata_csum,^resize_inode", "-N", "512");
        Ext4Images.optimiseDirectories(plain);
        plainImage = Files.readAllBytes(plain);
        ext2Image = Files.readAllBytes(Ext4Images.mkfs(work.resolve("ext2.img"), 4L << 20, tree, "-t", "ext2",
                "-b", "1024", "-N", "512"));
    }

    /** A file of {@code count} 1 KiB data islands with 1 KiB holes between: one extent each, a depth-2 tree. */
    static void islands(Path file, int count) throws IOException {
        Random random = new Random(8);
        byte[] island = new byte[1024];
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            for (int i = 0; i < count; i++) {
                random.nextBytes(island);
                f.seek(i * 2048L);
                f.write(island);
            }
        }
    }

    static FileSystem open(byte[] image) throws IOException {
        return new Ext4Reader().open(new MemoryBlockDevice(image));
    }

    @ParameterizedTest
    @ValueSource(strings = {"csum", "plain", "ext2"})
    void intactImagesWalk(String which) throws IOException {
        SortedMap<String, String> tree = BoundedWalk.of(open(image(which)));
        assertTrue(tree.containsKey("/many/entry-000149-with-a-longer-name") && tree.containsKey("/islands.bin"),
                tree::toString);
    }

    static byte[] image(String which) {
        return switch (which) {
            case "csum" -> csumImage;
            case "plain" -> plainImage;
            default -> ext2Image;
        };
    }

    /**
     * Flips single bits, a few per block, in every block that is not file data (superblock, descriptors, inode
     * tables, directories, extent and indirect blocks, bitmaps) and walks the whole filesystem after each flip.
     */
    @ParameterizedTest
    @ValueSource(strings = {"csum", "plain", "ext2"})
    void bitFlipsInMetadataGiveIoExceptionsOnly(String which) throws IOException {
        byte[] pristine = image(which);
        BitSet metadata = metadataBlocks(pristine);
        Random random = new Random(which.hashCode());
        int flips = 0;
        int failures = 0;
        for (int block = metadata.nextSetBit(0); block >= 0; block = metadata.nextSetBit(block + 1)) {
            int perBlock = block <= 8 ? 64 : 6;
            for (int k = 0; k < perBlock; k++) {
                byte[] image = pristine.clone();
                int bit = random.nextInt(1024 * 8);
                image[block * 1024 + bit / 8] ^= (byte) (1 << (bit % 8));
                flips++;
                try {
                    BoundedWalk.of(open(image));
                } catch (IOException expected) {
                    failures++;
                } catch (RuntimeException | Error e) {
                    throw new AssertionError("block " + block + " bit " + bit + ": " + e, e);
                }
            }
        }
        assertTrue(flips > 500, "flipped " + flips);
        assertTrue(failures > 0, "no flip was noticed out of " + flips);
    }

    /** Blocks that are neither unused (all zeros) nor regular-file data, found with the reader on the intact image. */
    static BitSet metadataBlocks(byte[] image) throws IOException {
        int blocks = image.length / 1024;
        BitSet meta = new BitSet(blocks);
        for (int b = 1; b < blocks; b++) {
            for (int i = b * 1024; i < (b + 1) * 1024; i++) {
                if (image[i] != 0) {
                    meta.set(b);
                    break;
                }
            }
        }
        Ext4FileSystem fs = (Ext4FileSystem) open(image);
        clearData(fs, fs.root(), meta);
        return meta;
    }

    private static void clearData(Ext4FileSystem fs, FsNode dir, BitSet meta) throws IOException {
        for (FsNode n : fs.list(dir)) {
            if (n.type() == FileType.DIRECTORY) {
                clearData(fs, n, meta);
            } else if (n.type() == FileType.REGULAR && !((Ext4Node) n).inode().hasFlag(Ext4Inode.FL_INLINE_DATA)) {
                BlockMap map = BlockMap.of(fs.volume(), ((Ext4Node) n).inode());
                long blocks = (n.size() + 1023) / 1024;
                for (long lb = 0; lb < blocks; ) {
                    BlockMap.Run run = map.find(lb);
                    long len = Math.min(run.length(), blocks - lb);
                    if (!run.hole()) {
                        meta.clear((int) run.physical(), (int) (run.physical() + len));
                    }
                    lb += len;
                }
            }
        }
    }

    @Test
    void badMagicIsNotProbedAndNotOpened() throws IOException {
        byte[] image = csumImage.clone();
        image[1024 + 0x38] = 0;
        assertEquals(false, new Ext4Reader().probe(new MemoryBlockDevice(image)));
        CorruptFilesystemException e = assertThrows(CorruptFilesystemException.class, () -> open(image));
        assertTrue(e.getMessage().contains("magic"), e.getMessage());
    }

    @Test
    void superblockChecksumMismatch() {
        byte[] image = csumImage.clone();
        image[1024 + 0x78] ^= 1; // the label
        CorruptFilesystemException e = assertThrows(CorruptFilesystemException.class, () -> open(image));
        assertTrue(e.getMessage().contains("superblock") && e.getMessage().contains("checksum"), e.getMessage());
    }

    @Test
    void unknownIncompatibleFeatureIsRefusedByName() {
        byte[] image = csumImage.clone();
        setIncompat(image, 0x1000); // dirdata
        CorruptFilesystemException e = assertThrows(CorruptFilesystemException.class, () -> open(image));
        assertTrue(e.getMessage().contains("dirdata"), e.getMessage());
        byte[] unknown = csumImage.clone();
        setIncompat(unknown, 0x4000_0000);
        e = assertThrows(CorruptFilesystemException.class, () -> open(unknown));
        assertTrue(e.getMessage().contains("0x40000000"), e.getMessage());
    }

    @Test
    void journalNeedingRecoveryIsReadWithAWarning() throws IOException {
        byte[] image = csumImage.clone();
        setIncompat(image, Ext4Superblock.INCOMPAT_RECOVER);
        assertTrue(BoundedWalk.of(open(image)).containsKey("/a.txt"));
    }

    private static void setIncompat(byte[] image, int bits) {
        int sb = 1024;
        LittleEndian.put32(image, sb + 0x60, LittleEndian.s32(image, sb + 0x60) | bits);
        LittleEndian.put32(image, sb + Ext4Superblock.CHECKSUM_OFFSET,
                Crc32c.of(0xFFFF_FFFF, image, sb, Ext4Superblock.CHECKSUM_OFFSET));
    }

    @Test
    void groupDescriptorChecksumMismatch() {
        byte[] image = csumImage.clone();
        image[2 * 1024 + 0x10] ^= 1; // group 0's used directory count, in block 2 with 1 KiB blocks
        CorruptFilesystemException e = assertThrows(CorruptFilesystemException.class, () -> open(image));
        assertTrue(e.getMessage().contains("group descriptor 0"), e.getMessage());
    }

    @Test
    void inodeChecksumMismatch() throws IOException {
        byte[] image = csumImage.clone();
        Ext4FileSystem fs = (Ext4FileSystem) open(image);
        long table = fs.volume().group(0).inodeTable();
        int inodeSize = fs.volume().superblock().inodeSize();
        image[(int) (table * 1024 + inodeSize + 0x10)] ^= 1; // inode 2's mtime
        CorruptFilesystemException e = assertThrows(CorruptFilesystemException.class, () -> open(image));
        assertTrue(e.getMessage().contains("inode 2") && e.getMessage().contains("checksum"), e.getMessage());
    }

    /** The depth-1 index block of islands.bin (no checksums) made to point at itself, or twice at one child. */
    @Test
    void extentIndexPointingAtItselfOrTwiceAtOneChild() throws IOException {
        Ext4FileSystem fs = (Ext4FileSystem) open(plainImage);
        Ext4Inode inode = ((Ext4Node) FsPaths.resolve(fs, "/islands.bin")).inode();
        assertEquals(2, LittleEndian.u16(inode.block(), 6), "islands.bin has a depth-2 extent tree");
        long index = LittleEndian.u32(inode.block(), 12 + 4);
        int off = (int) (index * 1024);
        assertEquals(ExtentTree.MAGIC, LittleEndian.u16(plainImage, off));
        assertTrue(LittleEndian.u16(plainImage, off + 2) >= 2, "two children at least");

        byte[] self = plainImage.clone();
        LittleEndian.put32(self, off + 12 + 4, (int) index);
        assertCorruptOnRead(self, "reached twice");

        byte[] twice = plainImage.clone();
        LittleEndian.put32(twice, off + 24 + 4, LittleEndian.s32(twice, off + 12 + 4));
        LittleEndian.put32(twice, off + 24, LittleEndian.s32(twice, off + 12) + 1);
        assertCorruptOnRead(twice, "ext4 extent tree");
    }

    private static void assertCorruptOnRead(byte[] image, String expected) throws IOException {
        FileSystem fs = open(image);
        FsNode file = FsPaths.resolve(fs, "/islands.bin");
        CorruptFilesystemException e = assertThrows(CorruptFilesystemException.class, () -> fs.open(file));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    /** A subdirectory whose extent points at its parent's block: the checksum seeded by its own inode says no. */
    @Test
    void directoryBlockOfAnotherDirectory() throws IOException {
        Ext4FileSystem fs = (Ext4FileSystem) open(csumImage);
        Ext4Inode root = ((Ext4Node) fs.root()).inode();
        Ext4Inode dir = ((Ext4Node) FsPaths.resolve(fs, "/dir")).inode();
        long rootBlock = BlockMap.of(fs.volume(), root).find(0).physical();
        byte[] image = csumImage.clone();
        long table = fs.volume().group(0).inodeTable();
        int inodeSize = fs.volume().superblock().inodeSize();
        int inodeOff = (int) (table * 1024 + (dir.number() - 1) * inodeSize);
        // i_block: extent header, then the first extent's start_lo at 12 + 8.
        LittleEndian.put32(image, inodeOff + 0x28 + 20, (int) rootBlock);
        fixInodeChecksum(image, inodeOff, dir, fs.volume().superblock());
        FileSystem broken = open(image);
        FsNode d = FsPaths.resolve(broken, "/dir");
        CorruptFilesystemException e = assertThrows(CorruptFilesystemException.class, () -> broken.list(d));
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
    }

    private static void fixInodeChecksum(byte[] image, int off, Ext4Inode inode, Ext4Superblock sb) {
        byte[] raw = Arrays.copyOfRange(image, off, off + sb.inodeSize());
        raw[0x7C] = 0;
        raw[0x7D] = 0;
        raw[0x82] = 0;
        raw[0x83] = 0;
        int crc = Crc32c.of(inode.csumSeed(), raw, 0, raw.length);
        image[off + 0x7C] = (byte) crc;
        image[off + 0x7D] = (byte) (crc >>> 8);
        image[off + 0x82] = (byte) (crc >>> 16);
        image[off + 0x83] = (byte) (crc >>> 24);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1500, 2048, 100_000, 2 << 20})
    void truncatedImagesGiveIoExceptions(int length) {
        byte[] cut = Arrays.copyOf(csumImage, length);
        assertThrows(IOException.class, () -> BoundedWalk.of(open(cut)));
    }

    @Test
    void blockSizeBeyond64KiBIsRefused() {
        for (String which : List.of("plain", "ext2")) {
            byte[] image = image(which).clone();
            image[1024 + 0x18] = 7; // log block size beyond 64 KiB
            CorruptFilesystemException e = assertThrows(CorruptFilesystemException.class, () -> open(image));
            assertTrue(e.getMessage().contains("over 64 KiB"), e.getMessage());
        }
    }
}
