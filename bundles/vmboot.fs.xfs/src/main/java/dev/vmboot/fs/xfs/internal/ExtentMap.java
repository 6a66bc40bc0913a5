package dev.vmboot.fs.xfs.internal;

import java.io.IOException;
import java.util.Arrays;

import dev.vmboot.api.fs.CorruptFilesystemException;

/**
 * The data fork of an inode as sorted, non-overlapping runs: file block, device block (AG decoding done), length,
 * unwritten. Built once per open file from the extent list in the inode or from the bmap btree.
 */
final class ExtentMap {
    private final long[] fileBlock;
    private final long[] deviceBlock;
    private final long[] blockCount;
    private final boolean[] unwritten;
    private final int count;

    private ExtentMap(long[] fileBlock, long[] deviceBlock, long[] blockCount, boolean[] unwritten, int count) {
        this.fileBlock = fileBlock;
        this.deviceBlock = deviceBlock;
        this.blockCount = blockCount;
        this.unwritten = unwritten;
        this.count = count;
    }

    /** The extent map of {@code inode}'s data fork (extents or btree format). */
    static ExtentMap of(XfsVolume volume, XfsInode inode) throws IOException {
        Builder builder = new Builder(volume.superblock(), inode);
        switch (inode.format()) {
            case XfsInode.FMT_EXTENTS:
                byte[] fork = inode.dataFork();
                for (int i = 0; i < inode.dataExtents(); i++) {
                    builder.add(XfsExtent.decode(fork, i * XfsExtent.SIZE), inode.offset() + i * XfsExtent.SIZE);
                }
                break;
            case XfsInode.FMT_BTREE:
                new BmapBtree(volume, inode, builder).walk();
                break;
            case XfsInode.FMT_LOCAL:
            case XfsInode.FMT_DEV:
                break;
            default:
                throw new CorruptFilesystemException("XFS inode " + inode.ino(), inode.offset(),
                        "data fork format " + inode.format() + " has no extents");
        }
        return builder.build();
    }

    int size() {
        return count;
    }

    long fileBlock(int i) {
        return fileBlock[i];
    }

    long deviceBlock(int i) {
        return deviceBlock[i];
    }

    long blockCount(int i) {
        return blockCount[i];
    }

    boolean unwritten(int i) {
        return unwritten[i];
    }

    /** Index of the last extent starting at or before {@code block}, or -1. */
    int floor(long block) {
        int lo = 0;
        int hi = count - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (fileBlock[mid] <= block) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    /**
     * The device block holding file block {@code block}, or -1 for a hole or an unwritten extent.
     */
    long map(long block) {
        int i = floor(block);
        if (i < 0 || block >= fileBlock[i] + blockCount[i] || unwritten[i]) {
            return -1;
        }
        return deviceBlock[i] + (block - fileBlock[i]);
    }

    /** Collects extents in file order and checks that they neither overlap nor leave the filesystem. */
    static final class Builder {
        private final XfsSuperblock sb;
        private final XfsInode inode;
        private final long maxBlocks;
        private long[] fileBlock = new long[8];
        private long[] deviceBlock = new long[8];
        private long[] blockCount = new long[8];
        private boolean[] unwritten = new boolean[8];
        private int count;
        private long nextFree;
        private long totalBlocks;

        Builder(XfsSuperblock sb, XfsInode inode) {
            this.sb = sb;
            this.inode = inode;
            this.maxBlocks = Long.MAX_VALUE >> sb.blockLog();
        }

        void add(XfsExtent e, long recordOffset) throws CorruptFilesystemException {
            String structure = "XFS extent record of inode " + inode.ino();
            if (e.blockCount() == 0) {
                throw new CorruptFilesystemException(structure, recordOffset, "zero-length extent");
            }
            if (e.fileBlock() < nextFree) {
                throw new CorruptFilesystemException(structure, recordOffset, "extent at file block "
                        + e.fileBlock() + " overlaps or precedes the previous one (ends at " + nextFree + ")");
            }
            if (e.fileBlock() + e.blockCount() > maxBlocks) {
                throw new CorruptFilesystemException(structure, recordOffset, "file offset beyond 2^63 bytes");
            }
            if (count >= inode.dataExtents()) {
                throw new CorruptFilesystemException(structure, recordOffset, "more extents than the "
                        + inode.dataExtents() + " the inode records");
            }
            long dev = sb.deviceBlock(e.startBlock(), e.blockCount(), structure);
            totalBlocks += e.blockCount();
            if (totalBlocks > sb.dataBlocks()) {
                throw new CorruptFilesystemException(structure, recordOffset, "extents map more blocks than the "
                        + sb.dataBlocks() + " the filesystem has");
            }
            if (count == fileBlock.length) {
                int n = count * 2;
                fileBlock = Arrays.copyOf(fileBlock, n);
                deviceBlock = Arrays.copyOf(deviceBlock, n);
                blockCount = Arrays.copyOf(blockCount, n);
                unwritten = Arrays.copyOf(unwritten, n);
            }
            fileBlock[count] = e.fileBlock();
            deviceBlock[count] = dev;
            blockCount[count] = e.blockCount();
            unwritten[count] = e.unwritten();
            count++;
            nextFree = e.fileBlock() + e.blockCount();
        }

        ExtentMap build() {
            return new ExtentMap(fileBlock, deviceBlock, blockCount, unwritten, count);
        }
    }
}
