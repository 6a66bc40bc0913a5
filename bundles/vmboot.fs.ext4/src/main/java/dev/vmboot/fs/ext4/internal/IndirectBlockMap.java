package dev.vmboot.fs.ext4.internal;

import static dev.vmboot.fs.ext4.internal.LittleEndian.u32;

import java.io.IOException;

import dev.vmboot.api.fs.CorruptFilesystemException;

/**
 * The ext2/ext3 block map (Documentation/filesystems/ext4/blockmap.rst): twelve direct block numbers in
 * {@code i_block}, then one indirect, one double-indirect and one triple-indirect block. A zero block number is a
 * hole (a whole subtree of holes when it is an indirect block's). Indirect blocks come through the volume's cache;
 * runs are coalesced from consecutive block numbers inside one pointer block.
 */
final class IndirectBlockMap implements BlockMap {
    private static final int DIRECT = 12;

    private final Ext4Volume volume;
    private final Ext4Inode inode;
    private final long perBlock;
    private final long[] roots = new long[15];

    IndirectBlockMap(Ext4Volume volume, Ext4Inode inode) {
        this.volume = volume;
        this.inode = inode;
        this.perBlock = volume.blockSize() / 4;
        for (int i = 0; i < roots.length; i++) {
            roots[i] = u32(inode.block(), i * 4);
        }
    }

    /** The number of logical blocks the map can address. */
    long capacity() {
        return DIRECT + perBlock + perBlock * perBlock + perBlock * perBlock * perBlock;
    }

    @Override
    public Run find(long logical) throws IOException {
        if (logical < DIRECT) {
            return coalesceDirect(logical, (int) logical);
        }
        long rel = logical - DIRECT;
        long span = 1;
        for (int level = 1; level <= 3; level++) {
            span *= perBlock;
            if (rel < span) {
                return descend(logical, roots[DIRECT + level - 1], rel, span, level);
            }
            rel -= span;
        }
        return new Run(logical, HOLE, Long.MAX_VALUE - logical);
    }

    /** Walks down {@code level} pointer blocks from {@code block}, which covers {@code span} blocks. */
    private Run descend(long logical, long block, long rel, long span, int level) throws IOException {
        long pointer = block;
        long childSpan = span;
        long offset = rel;
        for (int l = level; l >= 1; l--) {
            if (pointer == 0) {
                return new Run(logical, HOLE, childSpan - offset);
            }
            String where = "ext4 indirect block (inode " + inode.number() + ", level " + l + ")";
            byte[] data = volume.metadataBlock(pointer, where);
            childSpan /= perBlock;
            int index = (int) (offset / childSpan);
            offset %= childSpan;
            if (l == 1) {
                return coalesce(logical, data, index, pointer);
            }
            pointer = u32(data, index * 4);
        }
        throw new IllegalStateException("unreachable");
    }

    private Run coalesceDirect(long logical, int index) throws CorruptFilesystemException {
        long first = roots[index];
        int n = 1;
        while (index + n < DIRECT && roots[index + n] == (first == 0 ? 0 : first + n)) {
            n++;
        }
        return run(logical, first, n, -1);
    }

    private Run coalesce(long logical, byte[] data, int index, long pointerBlock) throws CorruptFilesystemException {
        long first = u32(data, index * 4);
        int n = 1;
        int end = (int) perBlock;
        while (index + n < end && u32(data, (index + n) * 4) == (first == 0 ? 0 : first + n)) {
            n++;
        }
        return run(logical, first, n, pointerBlock * volume.blockSize() + index * 4L);
    }

    private Run run(long logical, long first, int n, long offset) throws CorruptFilesystemException {
        if (first == 0) {
            return new Run(logical, HOLE, n);
        }
        volume.checkRange(first, n, "ext4 block map (inode " + inode.number() + ")", offset);
        return new Run(logical, first, n);
    }
}
