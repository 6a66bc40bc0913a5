package dev.vmboot.fs.xfs.internal;

import java.io.IOException;
import java.util.Arrays;

import dev.vmboot.api.fs.CorruptFilesystemException;

/**
 * Walks a data fork in btree format: the root ({@code struct xfs_bmdr_block}) lives in the inode, the other nodes
 * are long-format btree blocks ({@code struct xfs_btree_block} with the lhdr, xfs_format.h) with magic BMA3 (v5,
 * CRC-checked and owned by the inode) or BMAP (v4). Leaves hold extent records, nodes keys then pointers.
 */
final class BmapBtree {
    /** 'BMAP' and 'BMA3', xfs_format.h XFS_BMAP_MAGIC / XFS_BMAP_CRC_MAGIC. */
    static final int MAGIC_V4 = 0x424d4150;
    static final int MAGIC_V5 = 0x424d4133;
    /** XFS_BTREE_LBLOCK_LEN and XFS_BTREE_LBLOCK_CRC_LEN. */
    static final int HEADER_V4 = 24;
    static final int HEADER_V5 = 72;
    /** offsetof(struct xfs_btree_block, bb_u.l.bb_crc), XFS_BTREE_LBLOCK_CRC_OFF. */
    static final int CRC_OFFSET = 64;
    /** sizeof(struct xfs_bmdr_block): bb_level, bb_numrecs. */
    static final int ROOT_HEADER = 4;
    /** Far above any real bmbt height (XFS_BM_MAXLEVELS is at most 9). */
    static final int MAX_LEVELS = 16;

    private final XfsVolume volume;
    private final XfsSuperblock sb;
    private final XfsInode inode;
    private final ExtentMap.Builder out;

    BmapBtree(XfsVolume volume, XfsInode inode, ExtentMap.Builder out) {
        this.volume = volume;
        this.sb = volume.superblock();
        this.inode = inode;
        this.out = out;
    }

    void walk() throws IOException {
        byte[] root = inode.dataFork();
        String structure = "XFS bmbt root in inode " + inode.ino();
        if (root.length < ROOT_HEADER + 16) {
            throw new CorruptFilesystemException(structure, inode.offset(), "data fork too small for a btree root");
        }
        int level = BigEndian.getU16(root, 0);
        int numrecs = BigEndian.getU16(root, 2);
        int maxrecs = (root.length - ROOT_HEADER) / 16;
        if (level < 1 || level > MAX_LEVELS) {
            throw new CorruptFilesystemException(structure, inode.offset(), "bad level " + level);
        }
        if (numrecs < 1 || numrecs > maxrecs) {
            throw new CorruptFilesystemException(structure, inode.offset(), numrecs + " records, at most "
                    + maxrecs + " fit");
        }
        int ptrs = ROOT_HEADER + maxrecs * 8;
        for (int i = 0; i < numrecs; i++) {
            visit(BigEndian.getLong(root, ptrs + i * 8), level - 1);
        }
    }

    private void visit(long fsb, int level) throws IOException {
        String structure = "XFS bmbt block (inode " + inode.ino() + ", level " + level + ")";
        long dev = sb.deviceBlock(fsb, 1, structure);
        long offset = dev << sb.blockLog();
        byte[] b = volume.readBlocks(dev, 1);
        int header;
        if (sb.isV5()) {
            header = HEADER_V5;
            check(BigEndian.getInt(b, 0) == MAGIC_V5, structure, offset, "bad magic");
            check(MetadataChecksum.verify(b, 0, b.length, CRC_OFFSET), structure, offset, "CRC mismatch");
            check(BigEndian.getLong(b, 24) == dev << (sb.blockLog() - 9), structure, offset,
                    "records another disk address");
            check(Arrays.equals(b, 40, 56, sb.metaUuid(), 0, 16), structure, offset, "UUID of another filesystem");
            check(BigEndian.getLong(b, 56) == inode.ino(), structure, offset, "owned by inode "
                    + BigEndian.getLong(b, 56));
        } else {
            header = HEADER_V4;
            check(BigEndian.getInt(b, 0) == MAGIC_V4, structure, offset, "bad magic");
        }
        int blockLevel = BigEndian.getU16(b, 4);
        int numrecs = BigEndian.getU16(b, 6);
        int maxrecs = (b.length - header) / 16;
        check(blockLevel == level, structure, offset, "level " + blockLevel + " where " + level
                + " was expected (a loop?)");
        check(numrecs >= 1 && numrecs <= maxrecs, structure, offset, numrecs + " records, at most " + maxrecs
                + " fit");
        if (level == 0) {
            for (int i = 0; i < numrecs; i++) {
                int at = header + i * XfsExtent.SIZE;
                out.add(XfsExtent.decode(b, at), offset + at);
            }
        } else {
            int ptrs = header + maxrecs * 8;
            for (int i = 0; i < numrecs; i++) {
                visit(BigEndian.getLong(b, ptrs + i * 8), level - 1);
            }
        }
    }

    private static void check(boolean ok, String structure, long offset, String problem)
            throws CorruptFilesystemException {
        if (!ok) {
            throw new CorruptFilesystemException(structure, offset, problem);
        }
    }
}
