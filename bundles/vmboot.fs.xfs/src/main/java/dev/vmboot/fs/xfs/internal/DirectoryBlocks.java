package dev.vmboot.fs.xfs.internal;

import java.io.IOException;
import java.util.Arrays;

import dev.vmboot.api.fs.CorruptFilesystemException;
import dev.vmboot.api.fs.DirectoryBudget;

/**
 * Reads the directory blocks ({@code blocksize << sb_dirblklog} bytes each) of a directory in extents or btree
 * format through its extent map, and checks the self-describing v5 headers: {@code struct xfs_dir3_blk_hdr} for
 * data/block/free blocks and {@code struct xfs_da3_blkinfo} for leaf and da-node blocks (xfs_da_format.h). One
 * instance serves one listing or lookup, whose blocks (here) and records (by the callers) it counts against the
 * volume's {@link DirectoryBudget}.
 */
final class DirectoryBlocks {
    /** xfs_da_format.h XFS_DIR2_LEAF_OFFSET: the leaf section starts 32 GiB into the directory. */
    static final long LEAF_OFFSET = 1L << 35;
    /** xfs_da_format.h XFS_DIR2_FREE_OFFSET. */
    static final long FREE_OFFSET = 2L << 35;

    private final XfsVolume volume;
    private final XfsSuperblock sb;
    private final XfsInode dir;
    private final ExtentMap map;
    private final int fsbPerDirBlock;
    private final DirectoryBudget.Directory budget;

    DirectoryBlocks(XfsVolume volume, XfsInode dir) throws IOException {
        this.volume = volume;
        this.sb = volume.superblock();
        this.dir = dir;
        this.map = ExtentMap.of(volume, dir);
        this.fsbPerDirBlock = 1 << sb.dirBlockLog();
        this.budget = volume.directoryBudget().directory("XFS directory (inode " + dir.ino() + ")");
    }

    /** What this listing or lookup has read, for the callers to count records in. */
    DirectoryBudget.Directory budget() {
        return budget;
    }

    ExtentMap map() {
        return map;
    }

    XfsInode inode() {
        return dir;
    }

    /** Directory block number of the first leaf-section block (xfs_dir2_byte_to_db of LEAF_OFFSET). */
    long leafFirstBlock() {
        return LEAF_OFFSET >> (sb.blockLog() + sb.dirBlockLog());
    }

    /** Number of directory blocks mapped in the leaf section (leaf1, leafn and da-node blocks). */
    long leafSectionBlocks() {
        long start = LEAF_OFFSET >> sb.blockLog();
        long end = FREE_OFFSET >> sb.blockLog();
        long total = 0;
        for (int i = 0; i < map.size(); i++) {
            long from = Math.max(start, map.fileBlock(i));
            long to = Math.min(end, map.fileBlock(i) + map.blockCount(i));
            if (to > from) {
                total += to - from;
            }
        }
        return total >> sb.dirBlockLog();
    }

    /** A readable block: its bytes and the byte offset on the device of its first filesystem block. */
    record Block(byte[] data, long deviceOffset, long dirBlock) {
    }

    /**
     * Directory block {@code db}, or null if it is a hole. A block split over several extents is assembled.
     */
    Block read(long db) throws IOException {
        long first = db << sb.dirBlockLog();
        long dev = map.map(first);
        if (dev < 0) {
            return null;
        }
        String structure = "XFS directory block " + db + " (inode " + dir.ino() + ")";
        budget.read(sb.dirBlockSize());
        boolean contiguous = true;
        for (int i = 1; i < fsbPerDirBlock; i++) {
            long d = map.map(first + i);
            if (d < 0) {
                throw new CorruptFilesystemException(structure, dev << sb.blockLog(), "partly a hole");
            }
            contiguous &= d == dev + i;
        }
        byte[] data;
        if (contiguous) {
            data = volume.readBlocks(dev, fsbPerDirBlock);
        } else {
            data = new byte[sb.dirBlockSize()];
            for (int i = 0; i < fsbPerDirBlock; i++) {
                byte[] part = volume.readBlocks(map.map(first + i), 1);
                System.arraycopy(part, 0, data, i << sb.blockLog(), part.length);
            }
        }
        return new Block(data, dev << sb.blockLog(), db);
    }

    /** Checks a {@code struct xfs_dir3_blk_hdr} (v5) or the 32-bit magic (v4) of a data/block/free block. */
    void verifyDir3Header(Block b, int magicV5, int magicV4, String what) throws CorruptFilesystemException {
        byte[] d = b.data();
        String structure = "XFS directory " + what + " block " + b.dirBlock() + " (inode " + dir.ino() + ")";
        int magic = BigEndian.getInt(d, 0);
        if (!sb.isV5()) {
            check(magic == magicV4, structure, b, String.format("bad magic 0x%08x", magic));
            return;
        }
        check(magic == magicV5, structure, b, String.format("bad magic 0x%08x", magic));
        check(MetadataChecksum.verify(d, 0, d.length, 4), structure, b, "CRC mismatch");
        check(BigEndian.getLong(d, 8) == b.deviceOffset() >> 9, structure, b, "records another disk address");
        check(Arrays.equals(d, 24, 40, sb.metaUuid(), 0, 16), structure, b, "UUID of another filesystem");
        check(BigEndian.getLong(d, 40) == dir.ino(), structure, b, "owned by inode " + BigEndian.getLong(d, 40));
    }

    /**
     * Checks a {@code struct xfs_da3_blkinfo} (v5) or {@code struct xfs_da_blkinfo} (v4) and returns its 16-bit
     * magic, which must be one of {@code magics}.
     */
    int verifyDaHeader(Block b, String what, int... magics) throws CorruptFilesystemException {
        byte[] d = b.data();
        String structure = "XFS directory " + what + " block " + b.dirBlock() + " (inode " + dir.ino() + ")";
        int magic = BigEndian.getU16(d, 8);
        boolean known = false;
        for (int m : magics) {
            known |= m == magic;
        }
        check(known, structure, b, String.format("bad magic 0x%04x", magic));
        if (sb.isV5()) {
            check(MetadataChecksum.verify(d, 0, d.length, 12), structure, b, "CRC mismatch");
            check(BigEndian.getLong(d, 16) == b.deviceOffset() >> 9, structure, b, "records another disk address");
            check(Arrays.equals(d, 32, 48, sb.metaUuid(), 0, 16), structure, b, "UUID of another filesystem");
            check(BigEndian.getLong(d, 48) == dir.ino(), structure, b, "owned by inode " + BigEndian.getLong(d, 48));
        }
        return magic;
    }

    static void check(boolean ok, String structure, Block b, String problem) throws CorruptFilesystemException {
        if (!ok) {
            throw new CorruptFilesystemException(structure, b.deviceOffset(), problem);
        }
    }
}
