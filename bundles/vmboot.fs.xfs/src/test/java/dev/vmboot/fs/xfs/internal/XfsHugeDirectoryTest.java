package dev.vmboot.fs.xfs.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

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
 * Directories far larger than the blocks they are made of: an image made by mkfs.xfs (v4, 4 KiB blocks and directory
 * blocks, 512-byte inodes, one AG) whose empty directory /big is turned into an extents-format directory of 25
 * extents (all its inode's data fork holds), every one mapping the same run of data blocks written into free space:
 * blocks full of 255 entries, or empty ones. The extent list is legal in every respect the reader checks; only the
 * blocks are shared.
 */
class XfsHugeDirectoryTest {
    private static final int BLOCK = 4096;
    /** (512 - 100) / 16: bmbt records in the data fork of a 512-byte v2 inode without an attribute fork. */
    private static final int EXTENTS = 25;
    /** xfs_da_format.h: a v4 data block's header (magic and three bestfree pairs), then 16-byte entries here. */
    private static final int HEADER = 16;
    private static final int ENTRIES_PER_FULL_BLOCK = (BLOCK - HEADER) / 16;
    private static final int FULL_RUN = 64;
    private static final int EMPTY_RUN = 1024;

    @TempDir
    static Path work;
    static byte[] image;
    static long inodeOffset;
    static long fullRun;
    static long emptyRun;

    @BeforeAll
    static void build() throws IOException {
        Path tree = Files.createDirectories(work.resolve("tree/big")).getParent();
        Files.writeString(tree.resolve("f"), "f");
        Path proto = XfsImages.protofile(tree, work.resolve("proto.txt"));
        image = Files.readAllBytes(XfsImages.mkfs(work.resolve("big.img"), 128L << 20, "-m", "crc=0", "-b",
                "size=4096", "-n", "size=4096", "-i", "size=512", "-d", "agcount=1", "-p", proto.toString()));
        XfsFileSystem fs = XfsFileSystem.open(new MemoryBlockDevice(image));
        XfsSuperblock sb = fs.superblock();
        assertTrue(sb.version() < 5, "a v4 filesystem: data blocks without self-describing headers");
        XfsInode big = ((XfsNode) FsPaths.resolve(fs, "/big")).inode();
        long fileIno = ((XfsNode) FsPaths.resolve(fs, "/f")).inode().ino();
        inodeOffset = sb.inodeOffset(big.ino());
        emptyRun = sb.dataBlocks() - EMPTY_RUN;
        fullRun = emptyRun - FULL_RUN;
        for (long b = fullRun * BLOCK; b < sb.dataBlocks() * BLOCK; b++) {
            assertEquals(0, image[(int) b], "byte " + b + " lies in free space");
        }
        ByteBuffer full = ByteBuffer.allocate(BLOCK);
        full.putInt(DirectoryDataBlock.DATA_MAGIC_V4);
        for (int at = HEADER; at < BLOCK; at += 16) {
            // xfs_dir2_data_entry: inumber, namelen, name, ftype (if the feature is on), tag at the end
            full.putLong(at, fileIno).put(at + 8, (byte) 4).put(at + 9, new byte[] {'n', 'a', 'm', 'e'});
            if (sb.hasFtype()) {
                full.put(at + 13, (byte) 1);
            }
            full.putShort(at + 14, (short) at);
        }
        ByteBuffer empty = ByteBuffer.allocate(BLOCK);
        // xfs_dir2_data_unused: freetag, length, then the tag in its last two bytes
        empty.putInt(DirectoryDataBlock.DATA_MAGIC_V4).putShort(HEADER, (short) 0xFFFF)
                .putShort(HEADER + 2, (short) (BLOCK - HEADER)).putShort(BLOCK - 2, (short) HEADER);
        for (int i = 0; i < FULL_RUN; i++) {
            System.arraycopy(full.array(), 0, image, (int) ((fullRun + i) * BLOCK), BLOCK);
        }
        for (int i = 0; i < EMPTY_RUN; i++) {
            System.arraycopy(empty.array(), 0, image, (int) ((emptyRun + i) * BLOCK), BLOCK);
        }
    }

    /** The image with /big made of {@link #EXTENTS} extents of {@code length} blocks, all mapping {@code target}. */
    private static byte[] aliasing(int length, long target) {
        byte[] b = image.clone();
        ByteBuffer inode = ByteBuffer.wrap(b, (int) inodeOffset, 512).slice();
        inode.put(5, (byte) XfsInode.FMT_EXTENTS); // di_format
        inode.putLong(56, (long) EXTENTS * length * BLOCK); // di_size
        inode.putInt(76, EXTENTS); // di_nextents
        inode.put(82, (byte) 0); // di_forkoff: no attribute fork
        for (int i = 0; i < EXTENTS; i++) {
            // xfs_bmbt_rec: flag (1 bit), startoff (54), startblock (52), blockcount (21), from the top
            long startOff = (long) i * length;
            inode.putLong(100 + i * 16, startOff << 9 | target >>> 43);
            inode.putLong(100 + i * 16 + 8, (target & (1L << 43) - 1) << 21 | length);
        }
        return b;
    }

    /** 25 extents of 8 blocks of 255 entries: 51,000 entries, as many as a large /usr/lib, listed whole. */
    @Test
    void aDirectoryOf51000EntriesLists() throws IOException {
        XfsFileSystem fs = XfsFileSystem.open(new MemoryBlockDevice(aliasing(8, fullRun)));
        assertEquals(EXTENTS * 8 * ENTRIES_PER_FULL_BLOCK, fs.list(FsPaths.resolve(fs, "/big")).size());
    }

    @Test
    void aDirectoryOf1600AliasedFullBlocksStopsAtTheRecordBound() throws IOException {
        XfsFileSystem fs = XfsFileSystem.open(new MemoryBlockDevice(aliasing(FULL_RUN, fullRun)));
        FsNode big = FsPaths.resolve(fs, "/big");
        DirectoryBudgetException e = assertThrows(DirectoryBudgetException.class, () -> fs.list(big));
        assertEquals(DirectoryBudgetException.Scope.DIRECTORY, e.scope());
        assertEquals("XFS directory (inode " + ((XfsNode) big).inode().ino() + ") has more than 262144 records"
                + " (entries, deleted entries and free space), the most vmboot reads in one directory", e.getMessage());
        assertEquals(2, fs.list(fs.root()).size(), "the rest of the volume reads on");
    }

    @Test
    void aDirectoryOfEmptyBlocksStopsAtTheByteBound() throws IOException {
        XfsFileSystem fs = XfsFileSystem.open(new MemoryBlockDevice(aliasing(EMPTY_RUN, emptyRun)));
        DirectoryBudgetException e = assertThrows(DirectoryBudgetException.class,
                () -> fs.list(FsPaths.resolve(fs, "/big")));
        assertEquals(DirectoryBudgetException.Scope.DIRECTORY, e.scope());
        assertTrue(e.getMessage().endsWith(" has more than 64 MiB of directory data, the most vmboot reads of one"
                + " directory"), e.getMessage());
    }

    @Test
    void theVolumeBoundStaysSpentOnceReached() throws IOException {
        DirectoryBudget.Bounds bounds = new DirectoryBudget.Bounds(DirectoryBudget.RECORDS_PER_DIRECTORY,
                DirectoryBudget.BYTES_PER_DIRECTORY, 120_000, DirectoryBudget.BYTES_PER_VOLUME);
        FileSystem fs = XfsFileSystem.open(new MemoryBlockDevice(aliasing(8, fullRun)), bounds);
        VolumeBudgetAssertions.assertTheVolumeBoundStaysSpent(fs, FsPaths.resolve(fs, "/big"),
                "memory: 120000 directory records read since the filesystem was opened");
    }
}
