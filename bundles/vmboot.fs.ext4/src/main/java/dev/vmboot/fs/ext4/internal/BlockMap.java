package dev.vmboot.fs.ext4.internal;

import java.io.IOException;

/** Maps a file's logical blocks to device blocks, a run of contiguous blocks at a time. */
interface BlockMap {
    /** {@link Run#physical()} of a hole (or an unwritten extent): the blocks read as zeros. */
    long HOLE = -1;

    /**
     * The longest run known to start at {@code logical}: contiguous device blocks, or a hole. Its length is at least
     * one block; a hole past the last mapped block reaches to {@link Long#MAX_VALUE}.
     */
    Run find(long logical) throws IOException;

    /** The map of an inode whose data lives in blocks: its extent tree, or the classic block map. */
    static BlockMap of(Ext4Volume volume, Ext4Inode inode) throws IOException {
        if (inode.hasFlag(Ext4Inode.FL_EXTENTS)) {
            return ExtentTree.read(volume, inode);
        }
        return new IndirectBlockMap(volume, inode);
    }

    /** {@code length} logical blocks from {@code logical} at device block {@code physical}, or a hole. */
    record Run(long logical, long physical, long length) {
        boolean hole() {
            return physical == HOLE;
        }
    }
}
