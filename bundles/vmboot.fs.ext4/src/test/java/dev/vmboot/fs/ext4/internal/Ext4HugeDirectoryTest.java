package dev.vmboot.fs.ext4.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.vmboot.api.fs.DirectoryBudget;
import dev.vmboot.api.fs.DirectoryBudgetException;
import dev.vmboot.api.fs.FileSystem;
import dev.vmboot.api.fs.FsNode;
import dev.vmboot.api.fs.FsPaths;
import dev.vmboot.testkit.MemoryBlockDevice;
import dev.vmboot.testkit.VolumeBudgetAssertions;

/**
 * Directories far larger than the blocks they are made of: an image made by mke2fs (4 KiB blocks, no checksums, no
 * htree) whose directory /big is given a depth-1 extent tree of up to 1360 extents (four leaf blocks of 340), all
 * aliasing one block full of 341 entries or a run of 64 empty blocks. The extent tree is legal in every respect the
 * reader checks; only the blocks are shared.
 */
class Ext4HugeDirectoryTest {
    private static final int BLOCK = 4096;
    /** (4096 - 12) / 12 extents in a leaf block (ext4_extents.h: a 12-byte header, 12-byte entries). */
    private static final int EXTENTS_PER_LEAF = 340;
    /** Entries of 4-character names (rec_len 12) in one 4 KiB block: 340, and one that takes the last 16 bytes. */
    private static final int ENTRIES_PER_FULL_BLOCK = 341;
    private static final int EMPTY_RUN = 64;

    @TempDir
    static Path work;
    static byte[] image;
    static long blocks;
    static int inodeOffset;
    static long fullBlock;
    static long emptyRun;

    @BeforeAll
    static void build() throws IOException {
        Path big = Files.createDirectories(work.resolve("tree/big"));
        for (int i = 0; i < 700; i++) {
            Files.createFile(big.resolve(String.format("f%03d", i)));
        }
        Path img = Ext4Images.mkfs(work.resolve("big.img"), 16L << 20, work.resolve("tree"), "-t", "ext4", "-b",
                "4096", "-O", "^metadata_csum,^dir_index", "-N", "1024");
        image = Files.readAllBytes(img);
        Ext4FileSystem fs = Ext4FileSystem.open(new MemoryBlockDevice(image));
        Ext4Inode dir = ((Ext4Node) FsPaths.resolve(fs, "/big")).inode();
        assertEquals(700, fs.list(FsPaths.resolve(fs, "/big")).size());
        // Logical block 1 follows the block holding '.', '..' and 339 entries: it holds 341 entries.
        fullBlock = BlockMap.of(fs.volume(), dir).find(1).physical();
        blocks = fs.volume().superblock().blocksCount();
        assertTrue(dir.number() <= fs.volume().superblock().inodesPerGroup(), "/big's inode is in group 0");
        inodeOffset = (int) (fs.volume().group(0).inodeTable() * BLOCK
                + (dir.number() - 1) * fs.volume().superblock().inodeSize());
        // A run of empty directory blocks (one unused entry spanning each) in free space before the leaf blocks.
        emptyRun = blocks - 8 - EMPTY_RUN;
        for (long b = emptyRun; b < blocks; b++) {
            for (int i = 0; i < BLOCK; i++) {
                assertEquals(0, image[(int) (b * BLOCK + i)], "block " + b + " is free");
            }
        }
        for (long b = emptyRun; b < emptyRun + EMPTY_RUN; b++) {
            LittleEndian.put32(image, (int) (b * BLOCK + 4), BLOCK); // inode 0, rec_len 4096, name_len 0
        }
    }

    /**
     * The image with /big made of {@code extents} extents of {@code length} blocks, logically one after the other,
     * each mapping device blocks {@code [target, target + length)}.
     */
    private static byte[] aliasing(int extents, int length, long target) {
        byte[] b = image.clone();
        int leaves = (extents + EXTENTS_PER_LEAF - 1) / EXTENTS_PER_LEAF;
        int iBlock = inodeOffset + 0x28;
        java.util.Arrays.fill(b, iBlock, iBlock + 60, (byte) 0); // i_block
        header(b, iBlock, leaves, 4, 1);
        for (int leaf = 0; leaf < leaves; leaf++) {
            long leafBlock = blocks - 1 - leaf;
            int firstExtent = leaf * EXTENTS_PER_LEAF;
            int inLeaf = Math.min(EXTENTS_PER_LEAF, extents - firstExtent);
            int index = iBlock + 12 + leaf * 12;
            LittleEndian.put32(b, index, firstExtent * length); // ei_block
            LittleEndian.put32(b, index + 4, (int) leafBlock); // ei_leaf_lo (ei_leaf_hi, ei_unused stay 0)
            int at = (int) (leafBlock * BLOCK);
            header(b, at, inLeaf, EXTENTS_PER_LEAF, 0);
            for (int e = 0; e < inLeaf; e++) {
                int extent = at + 12 + e * 12;
                LittleEndian.put32(b, extent, (firstExtent + e) * length); // ee_block
                b[extent + 4] = (byte) length; // ee_len (below 256 here), ee_start_hi 0
                b[extent + 5] = (byte) (length >> 8);
                LittleEndian.put32(b, extent + 8, (int) target); // ee_start_lo
            }
        }
        LittleEndian.put32(b, inodeOffset + 0x04, extents * length * BLOCK); // i_size_lo
        return b;
    }

    /** ext4_extent_header: magic, entries, max, depth, generation. */
    private static void header(byte[] b, int at, int entries, int max, int depth) {
        LittleEndian.put32(b, at, ExtentTree.MAGIC | entries << 16);
        LittleEndian.put32(b, at + 4, max | depth << 16);
        LittleEndian.put32(b, at + 8, 0);
    }

    /**
     * The image on a 1 GiB device, the rest of which reads as zeros: the reader bounds a directory's size by its
     * device's, and these directories claim up to 340 MiB.
     */
    private static Ext4FileSystem open(byte[] image) throws IOException {
        return Ext4FileSystem.open(MemoryBlockDevice.sparse(image, 1L << 30));
    }

    /** 147 blocks of 341 entries, as many entries as a large /usr/lib: listed whole. */
    @Test
    void aDirectoryOf50127EntriesLists() throws IOException {
        Ext4FileSystem fs = open(aliasing(147, 1, fullBlock));
        List<FsNode> entries = fs.list(FsPaths.resolve(fs, "/big"));
        assertEquals(147 * ENTRIES_PER_FULL_BLOCK, entries.size());
    }

    @Test
    void aDirectoryOf1360AliasesOfAFullBlockStopsAtTheRecordBound() throws IOException {
        Ext4FileSystem fs = open(aliasing(1360, 1, fullBlock));
        FsNode big = FsPaths.resolve(fs, "/big");
        DirectoryBudgetException e = assertThrows(DirectoryBudgetException.class, () -> fs.list(big));
        assertEquals(DirectoryBudgetException.Scope.DIRECTORY, e.scope());
        String inode = "ext4 directory (inode " + ((Ext4Node) big).inode().number() + ")";
        assertEquals(inode + " has more than 262144 records (entries, deleted entries and free space), the most"
                + " vmboot reads in one directory", e.getMessage());
        assertEquals(DirectoryBudgetException.Scope.DIRECTORY, assertThrows(DirectoryBudgetException.class,
                () -> fs.lookup(big, "missing")).scope(), "a linear lookup reads as far as a listing");
        assertEquals(2, fs.list(fs.root()).size(), "the rest of the volume reads on: big and lost+found");
    }

    @Test
    void aDirectoryOfEmptyBlocksStopsAtTheByteBound() throws IOException {
        Ext4FileSystem fs = open(aliasing(1360, EMPTY_RUN, emptyRun));
        FsNode big = FsPaths.resolve(fs, "/big");
        DirectoryBudgetException e = assertThrows(DirectoryBudgetException.class, () -> fs.list(big));
        assertEquals(DirectoryBudgetException.Scope.DIRECTORY, e.scope());
        assertTrue(e.getMessage().endsWith(" has more than 64 MiB of directory data, the most vmboot reads of one"
                + " directory"), e.getMessage());
        assertTrue(fs.volume().directoryBudget().bytes() <= DirectoryBudget.BYTES_PER_DIRECTORY + 2 * BLOCK);
    }

    @Test
    void theVolumeBoundStaysSpentOnceReached() throws IOException {
        DirectoryBudget.Bounds bounds = new DirectoryBudget.Bounds(DirectoryBudget.RECORDS_PER_DIRECTORY,
                DirectoryBudget.BYTES_PER_DIRECTORY, 120_000, DirectoryBudget.BYTES_PER_VOLUME);
        FileSystem fs = Ext4FileSystem.open(MemoryBlockDevice.sparse(aliasing(147, 1, fullBlock), 1L << 30), bounds);
        VolumeBudgetAssertions.assertTheVolumeBoundStaysSpent(fs, FsPaths.resolve(fs, "/big"),
                "memory: 120000 directory records read since the filesystem was opened, the most vmboot reads from"
                        + " one volume; stopped at ext4 directory (inode ");
    }
}
