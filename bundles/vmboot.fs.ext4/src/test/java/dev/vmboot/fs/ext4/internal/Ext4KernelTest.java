package dev.vmboot.fs.ext4.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.vmboot.api.fs.FileSystem;
import dev.vmboot.api.fs.FsNode;
import dev.vmboot.api.fs.FsPaths;
import dev.vmboot.api.storage.FileBlockDevice;
import dev.vmboot.testkit.ExternalTool;
import dev.vmboot.testkit.ReferenceTree;
import dev.vmboot.testkit.TreeManifest;

/**
 * Images the Linux kernel wrote through loop mounts, so that the structures reach the forms only a filesystem in use
 * has: an ext4 (4 KiB blocks, metadata_csum, 64bit, flex_bg, inline_data) with a 20,000-entry htree directory with
 * deletions, interleaved and hole-riddled files whose extent trees reach depth 2, unwritten extents, a 3 GiB sparse
 * file; and an ext3 with 1 KiB blocks (block maps), where a 200 MiB sparse file needs the triple-indirect block.
 */
class Ext4KernelTest {
    static final long SPARSE_SIZE = 3L << 30;
    /** Past 12 + 256 + 256 * 256 blocks of 1 KiB (about 64 MiB), a file needs the triple-indirect block. */
    static final long EXT3_SPARSE_SIZE = 200L << 20;
    static final int BIG = 20_000;

    @TempDir
    static Path work;
    static Path ext4Image;
    static Path ext3Image;
    static TreeManifest ext4Expected;
    static TreeManifest ext3Expected;
    static FileBlockDevice ext4Device;
    static FileBlockDevice ext3Device;
    static FileSystem ext4;
    static FileSystem ext3;

    @BeforeAll
    static void build() throws IOException {
        if (!Ext4Images.canLoopMount()) {
            return;
        }
        ext4Image = Ext4Images.mkfs(work.resolve("ext4.img"), 1L << 30, null, "-t", "ext4", "-b", "4096", "-I",
                "256", "-O", "metadata_csum,64bit,flex_bg,inline_data", "-L", "kernel-ext4");
        Path mnt = work.resolve("mnt4");
        Ext4Images.withMount(ext4Image, mnt, () -> {
            ReferenceTree.in(mnt, 11)
                    .assortedFiles("files")
                    .deepPath("deep", 60)
                    .unicodeNames("unicode")
                    .symlinks("links")
                    .bigDirectory("big", BIG)
                    .sparseFile("sparse/big.bin", SPARSE_SIZE)
                    .file("small/inline.txt", 40)
                    .file("small/inline-xattr.txt", 100);
            for (int i = 0; i < BIG; i += 7) {
                Files.delete(mnt.resolve("big").resolve(bigName(i)));
            }
            interleave(mnt.resolve("frag"), 4, 64);
            everyOtherBlock(mnt.resolve("frag/holes.bin"), 3000);
            ExternalTool.run("xfs_io", "-f", "-c", "falloc 0 1m", "-c", "pwrite -S 0x61 262144 4096", "-c",
                    "falloc -k 1m 1m", mnt.resolve("frag/unwritten.bin").toString());
            ExternalTool.run("sync");
            ext4Expected = TreeManifest.ofDirectory(mnt);
        });
        Ext4Images.check(ext4Image);
        ext3Image = Ext4Images.mkfs(work.resolve("ext3.img"), 256L << 20, null, "-t", "ext3", "-b", "1024", "-L",
                "kernel-ext3");
        Path mnt3 = work.resolve("mnt3");
        Ext4Images.withMount(ext3Image, mnt3, () -> {
            ReferenceTree.in(mnt3, 12)
                    .assortedFiles("files")
                    .symlinks("links")
                    .bigDirectory("big", 3000)
                    .sparseFile("sparse/big.bin", EXT3_SPARSE_SIZE);
            interleave(mnt3.resolve("frag"), 3, 120);
            ExternalTool.run("sync");
            ext3Expected = TreeManifest.ofDirectory(mnt3);
        });
        Ext4Images.check(ext3Image);
        ext4Device = FileBlockDevice.open(ext4Image);
        ext4 = new Ext4Reader().open(ext4Device);
        ext3Device = FileBlockDevice.open(ext3Image);
        ext3 = new Ext4Reader().open(ext3Device);
    }

    @AfterAll
    static void close() throws IOException {
        if (ext4Device != null) {
            ext4Device.close();
        }
        if (ext3Device != null) {
            ext3Device.close();
        }
    }

    static String bigName(int i) {
        return String.format("entry-%06d-with-a-longer-name", i);
    }

    /** {@code count} files appended 4 KiB at a time in turn, each write forced to disk, so their blocks interleave. */
    private static void interleave(Path dir, int count, int rounds) throws IOException {
        Files.createDirectories(dir);
        Random random = new Random(5);
        FileChannel[] files = new FileChannel[count];
        for (int i = 0; i < count; i++) {
            files[i] = FileChannel.open(dir.resolve("interleaved-" + i + ".bin"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
        }
        byte[] chunk = new byte[4096];
        for (int round = 0; round < rounds; round++) {
            for (FileChannel f : files) {
                random.nextBytes(chunk);
                f.write(ByteBuffer.wrap(chunk), f.size());
                f.force(false);
            }
        }
        for (FileChannel f : files) {
            f.close();
        }
    }

    /** Writes {@code blocks} 4 KiB blocks with a hole after each: one extent per block. */
    private static void everyOtherBlock(Path file, int blocks) throws IOException {
        Random random = new Random(6);
        byte[] chunk = new byte[4096];
        try (FileChannel f = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            for (int i = 0; i < blocks; i++) {
                random.nextBytes(chunk);
                f.write(ByteBuffer.wrap(chunk), i * 8192L);
            }
        }
    }

    @Test
    void ext4TreeMatches() throws IOException {
        assumeTrue(ext4 != null, "loop mounts need root");
        List<String> diffs = ext4Expected.differences(TreeManifest.ofFileSystem(ext4), false);
        assertTrue(diffs.isEmpty(), () -> String.join("\n", diffs));
        assertEquals("kernel-ext4", ext4.label());
        assertEquals("ext4", ((Ext4FileSystem) ext4).flavour());
    }

    @Test
    void ext3TreeMatches() throws IOException {
        assumeTrue(ext3 != null, "loop mounts need root");
        List<String> diffs = ext3Expected.differences(TreeManifest.ofFileSystem(ext3), false);
        assertTrue(diffs.isEmpty(), () -> String.join("\n", diffs));
        assertEquals("ext3", ((Ext4FileSystem) ext3).flavour());
    }

    @Test
    void bigHtreeDirectoryLookups() throws IOException {
        assumeTrue(ext4 != null, "loop mounts need root");
        FsNode big = FsPaths.resolve(ext4, "/big");
        Ext4Inode inode = ((Ext4Node) big).inode();
        assertTrue(inode.hasFlag(Ext4Inode.FL_INDEX), "the kernel indexes a 20,000-entry directory");
        for (int i = 0; i < BIG; i++) {
            boolean deleted = i % 7 == 0;
            assertEquals(!deleted, ext4.lookup(big, bigName(i)).isPresent(), bigName(i));
        }
        assertTrue(ext4.lookup(big, "entry-020001-with-a-longer-name").isEmpty());
        assertEquals(Ext4PopulateTest.debugfsNames(ext4Image, "/big"), Ext4PopulateTest.names(ext4, big));
    }

    @Test
    void fragmentedFileHasADeepExtentTree() throws IOException {
        assumeTrue(ext4 != null, "loop mounts need root");
        Ext4Inode holes = ((Ext4Node) FsPaths.resolve(ext4, "/frag/holes.bin")).inode();
        int depth = LittleEndian.u16(holes.block(), 6);
        assertTrue(depth >= 2, "extent tree depth " + depth);
        ExtentTree tree = ExtentTree.read(((Ext4FileSystem) ext4).volume(), holes);
        assertEquals(3000, tree.extentCount());
        // A read across a hole: block 1 is a hole, block 2 data.
        try (SeekableByteChannel ch = ext4.open(FsPaths.resolve(ext4, "/frag/holes.bin"))) {
            ByteBuffer buf = ByteBuffer.allocate(12288);
            ch.position(0);
            assertEquals(12288, ch.read(buf));
            byte[] b = buf.array();
            for (int i = 4096; i < 8192; i++) {
                assertEquals(0, b[i]);
            }
            assertNotEquals(0, b[8192] | b[8193] | b[8194] | b[8195]);
        }
    }

    @Test
    void kernelInlineData() throws IOException {
        assumeTrue(ext4 != null, "loop mounts need root");
        Ext4Inode small = ((Ext4Node) FsPaths.resolve(ext4, "/small/inline.txt")).inode();
        Ext4Inode xattr = ((Ext4Node) FsPaths.resolve(ext4, "/small/inline-xattr.txt")).inode();
        assertTrue(small.hasFlag(Ext4Inode.FL_INLINE_DATA));
        assertTrue(xattr.hasFlag(Ext4Inode.FL_INLINE_DATA));
        assertEquals(40, xattr.inlineTail().length);
        Ext4Inode dir = ((Ext4Node) FsPaths.resolve(ext4, "/small")).inode();
        assertTrue(dir.hasFlag(Ext4Inode.FL_INLINE_DATA), "a two-entry directory stays inline");
    }

    @Test
    void sparseFileUsesTripleIndirectBlocksOnExt3() throws IOException {
        assumeTrue(ext3 != null, "loop mounts need root");
        Ext4Inode sparse = ((Ext4Node) FsPaths.resolve(ext3, "/sparse/big.bin")).inode();
        assertTrue(!sparse.hasFlag(Ext4Inode.FL_EXTENTS));
        assertNotEquals(0, LittleEndian.u32(sparse.block(), 14 * 4), "triple-indirect pointer");
        assertEquals(EXT3_SPARSE_SIZE, sparse.size());
    }
}
