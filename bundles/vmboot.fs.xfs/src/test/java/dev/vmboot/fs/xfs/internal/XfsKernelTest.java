package dev.vmboot.fs.xfs.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.vmboot.api.fs.CorruptFilesystemException;
import dev.vmboot.api.fs.FileSystem;
import dev.vmboot.api.fs.FsNode;
import dev.vmboot.api.fs.FsPaths;
import dev.vmboot.api.storage.FileBlockDevice;
import dev.vmboot.testkit.ExternalTool;
import dev.vmboot.testkit.ReferenceTree;
import dev.vmboot.testkit.TreeManifest;

/**
 * An image the Linux kernel wrote through a loop mount, so that directories and files reach the forms only a long
 * life produces: a 20,000-entry node directory with deleted entries, a directory fragmented into btree format,
 * files fragmented into multi-level bmap btrees, unwritten extents, a 3 GiB sparse file, several AGs.
 */
class XfsKernelTest {
    @TempDir
    static Path work;
    static Path image;
    static TreeManifest expected;
    static byte[] sparseMiddle;
    static FileBlockDevice device;
    static FileSystem fs;
    static final long SPARSE_SIZE = 3L << 30;

    @BeforeAll
    static void build() throws IOException {
        if (!XfsImages.canLoopMount()) {
            return;
        }
        image = XfsImages.mkfs(work.resolve("kernel.img"), 1L << 30, "-d", "agcount=4", "-L", "kernel");
        Path mnt = work.resolve("mnt");
        XfsImages.withMount(image, mnt, () -> {
            populate(mnt);
            ExternalTool.run("sync");
            expected = TreeManifest.ofDirectory(mnt);
            try (RandomAccessFile f = new RandomAccessFile(mnt.resolve("sparse/big.bin").toFile(), "r")) {
                sparseMiddle = new byte[8192];
                f.seek(SPARSE_SIZE / 2 - 12345 - 100);
                f.readFully(sparseMiddle);
            }
        });
        device = FileBlockDevice.open(image);
        fs = new XfsReader().open(device);
    }

    @AfterAll
    static void close() throws IOException {
        if (device != null) {
            device.close();
        }
    }

    private static void populate(Path mnt) throws IOException {
        ReferenceTree.in(mnt, 7)
                .assortedFiles("files")
                .deepPath("deep", 60)
                .unicodeNames("unicode")
                .symlinks("links")
                .bigDirectory("big", 20_000)
                .sparseFile("sparse/big.bin", SPARSE_SIZE);
        // Targets too long for a 512-byte inode: remote symlink blocks with an XSLM header.
        String segment = "s".repeat(199) + "/";
        Files.createSymbolicLink(mnt.resolve("links/remote-600"), Path.of(segment.repeat(3)));
        Files.createSymbolicLink(mnt.resolve("links/remote-1000"), Path.of(segment.repeat(5)));
        // Deleted entries leave unused space in data blocks and stale or removed hashes in the leaves.
        for (int i = 0; i < 20_000; i += 7) {
            Files.delete(mnt.resolve("big").resolve(String.format("entry-%06d-with-a-longer-name", i)));
        }
        fragmentedFiles(mnt.resolve("frag"));
        fragmentedDirectory(mnt.resolve("fragdir"));
        // A file with thousands of extents: punch every other block (one xfs_io run) for a two-level bmbt.
        Path holes = mnt.resolve("frag/holes.bin");
        List<String> cmd = new ArrayList<>(List.of("xfs_io", "-f", "-c", "pwrite -S 0x5a -b 1m 0 40m"));
        for (long off = 4096; off < (40 << 20); off += 8192) {
            cmd.add("-c");
            cmd.add("fpunch " + off + " 4096");
        }
        cmd.add(holes.toString());
        ExternalTool.run(null, cmd);
        // Unwritten (preallocated) extents around a written block, and preallocation beyond EOF.
        ExternalTool.run("xfs_io", "-f", "-c", "falloc 0 1m", "-c", "pwrite -S 0x61 262144 4096", "-c",
                "falloc -k 1m 1m", mnt.resolve("frag/unwritten.bin").toString());
    }

    /** Four files written 4 KiB at a time in turn, each write forced to disk, so their extents interleave. */
    private static void fragmentedFiles(Path dir) throws IOException {
        Files.createDirectories(dir);
        Random random = new Random(99);
        FileChannel[] files = new FileChannel[4];
        for (int i = 0; i < files.length; i++) {
            files[i] = FileChannel.open(dir.resolve("interleaved-" + i + ".bin"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
        }
        byte[] chunk = new byte[4096];
        for (int round = 0; round < 60; round++) {
            for (FileChannel f : files) {
                random.nextBytes(chunk);
                f.write(ByteBuffer.wrap(chunk, 0, round == 59 ? 1000 : 4096));
                f.force(false);
            }
        }
        for (FileChannel f : files) {
            f.close();
        }
    }

    /** A big directory whose blocks alternate with a growing file's, so its extents no longer fit the inode. */
    private static void fragmentedDirectory(Path dir) throws IOException {
        Files.createDirectories(dir);
        try (FileChannel filler = FileChannel.open(dir.getParent().resolve("frag/filler.bin"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            byte[] block = new byte[4096];
            for (int i = 0; i < 3000; i++) {
                Files.createFile(dir.resolve("fragmented-directory-entry-" + i));
                if (i % 40 == 0) {
                    filler.write(ByteBuffer.wrap(block));
                    filler.force(false);
                }
            }
        }
    }

    private static void requireImage() {
        assumeTrue(XfsImages.canLoopMount(), "needs root for a loop mount of the kernel-written image");
    }

    @Test
    void everyFileMatchesWhatTheKernelWrote() throws IOException {
        requireImage();
        assertEquals(List.of(), expected.differences(TreeManifest.ofFileSystem(fs), false));
        assertEquals("kernel", fs.label());
    }

    @Test
    void theImageHasTheFormsThisTestIsAbout() throws IOException {
        requireImage();
        assertEquals("3 (btree)", format(FsPaths.resolve(fs, "/fragdir")), "fragmented directory");
        assertEquals("2 (extents)", format(FsPaths.resolve(fs, "/links/remote-1000", false)), "remote symlink");
        assertEquals("3 (btree)", format(FsPaths.resolve(fs, "/frag/holes.bin")), "punched file");
        assertEquals("3 (btree)", format(FsPaths.resolve(fs, "/frag/interleaved-0.bin")), "interleaved file");
        String big = ExternalTool.run("xfs_db", "-r", "-c", "inode " + FsPaths.resolve(fs, "/big").id(), "-c",
                "dblock 8388608", "-c", "p nhdr.info.hdr.magic", image.toString());
        assertTrue(big.contains("0x3ebe"), "20,000 entries make a node directory: " + big);
        String holes = ExternalTool.run("xfs_db", "-r", "-c", "inode " + FsPaths.resolve(fs, "/frag/holes.bin").id(),
                "-c", "p u3.bmbt.level", image.toString());
        assertTrue(holes.contains("level = 2") || holes.contains("level = 3"), "multi-level bmbt: " + holes);
    }

    private static String format(FsNode node) throws IOException {
        String out = ExternalTool.run("xfs_db", "-r", "-c", "inode " + node.id(), "-c", "p core.format",
                image.toString());
        return out.substring(out.indexOf('=') + 1).trim();
    }

    @Test
    void hashedLookupsFindEveryEntryOfTheBigDirectories() throws IOException {
        requireImage();
        XfsProtofileTest.assertLookupsAgree(fs, expected);
        FsNode big = FsPaths.resolve(fs, "/big");
        assertTrue(fs.lookup(big, "entry-000000-with-a-longer-name").isEmpty(), "deleted entry");
        assertTrue(fs.lookup(big, "entry-000001-with-a-longer-name").isPresent());
    }

    @Test
    void bmbtNodePointingToItselfOrTwiceToOneLeafIsCorrupt() throws IOException {
        requireImage();
        XfsFileSystem xfs = (XfsFileSystem) fs;
        XfsSuperblock sb = xfs.superblock();
        XfsInode inode = ((XfsNode) FsPaths.resolve(fs, "/frag/holes.bin")).inode();
        byte[] root = inode.dataFork();
        long nodeFsb = BigEndian.getLong(root, 4 + (root.length - 4) / 16 * 8);
        long nodeOffset = sb.deviceBlock(nodeFsb, 1, "test") << sb.blockLog();
        byte[] node = device.readBytes(nodeOffset, sb.blockSize());
        assertEquals(1, BigEndian.getU16(node, 4), "the root's children are level-1 nodes");
        int ptrs = BmapBtree.HEADER_V5 + (sb.blockSize() - BmapBtree.HEADER_V5) / 16 * 8;

        byte[] loop = node.clone();
        XfsCorruptionTest.putLong(loop, ptrs, nodeFsb);
        XfsCorruptionTest.fixCrc(loop, 0, loop.length, BmapBtree.CRC_OFFSET);
        assertCorruptOpen(new PatchedBlockDevice(device).patch(nodeOffset, loop), "a loop?");

        byte[] twice = node.clone();
        XfsCorruptionTest.putLong(twice, ptrs + 8, BigEndian.getLong(node, ptrs));
        XfsCorruptionTest.fixCrc(twice, 0, twice.length, BmapBtree.CRC_OFFSET);
        assertCorruptOpen(new PatchedBlockDevice(device).patch(nodeOffset, twice), "overlaps");
    }

    private static void assertCorruptOpen(PatchedBlockDevice dev, String message) throws IOException {
        FileSystem corrupt = new XfsReader().open(dev);
        FsNode file = FsPaths.resolve(corrupt, "/frag/holes.bin");
        CorruptFilesystemException e = assertThrows(CorruptFilesystemException.class, () -> corrupt.open(file));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void sparseFileReadsZerosBetweenItsIslandsAtAnyPosition() throws IOException {
        requireImage();
        FsNode sparse = FsPaths.resolve(fs, "/sparse/big.bin");
        assertEquals(SPARSE_SIZE, sparse.size());
        try (SeekableByteChannel ch = fs.open(sparse)) {
            ByteBuffer buf = ByteBuffer.allocate(8192);
            ch.position(SPARSE_SIZE / 2 - 12345 - 100);
            while (buf.hasRemaining()) {
                ch.read(buf);
            }
            assertArrayEquals(sparseMiddle, buf.array());
            ch.position(SPARSE_SIZE);
            assertEquals(-1, ch.read(ByteBuffer.allocate(1)));
        }
    }
}
