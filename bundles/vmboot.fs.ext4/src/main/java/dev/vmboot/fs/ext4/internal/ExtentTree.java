package dev.vmboot.fs.ext4.internal;

import static dev.vmboot.fs.ext4.internal.LittleEndian.s32;
import static dev.vmboot.fs.ext4.internal.LittleEndian.u16;
import static dev.vmboot.fs.ext4.internal.LittleEndian.u32;

import java.io.IOException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import dev.vmboot.api.fs.CorruptFilesystemException;

/**
 * A file's extent tree (Documentation/filesystems/ext4/ifork.rst, fs/ext4/ext4_extents.h), read whole when the file is
 * opened into sorted arrays of leaf extents, so that reads are a binary search. Every node is checked: magic, entry
 * counts, depth one less than its parent's, keys increasing and inside the parent's range, blocks inside the
 * filesystem, each tree block visited once, and with metadata_csum the tail checksum.
 */
final class ExtentTree implements BlockMap {
    /** {@code EXT4_EXT_MAGIC}. */
    static final int MAGIC = 0xF30A;
    /** {@code EXT4_MAX_EXTENT_DEPTH}. */
    static final int MAX_DEPTH = 5;
    /** {@code EXT_INIT_MAX_LEN}: a length above this marks an unwritten extent of (length - 32768) blocks. */
    private static final int INIT_MAX_LEN = 32768;
    private static final int ENTRY = 12;

    private long[] logical = new long[8];
    private long[] physical = new long[8];
    private int[] length = new int[8];
    private int count;
    /** Index of the extent that served the last lookup: sequential reads hit it or the next one. */
    private int last;

    private ExtentTree() {
    }

    static ExtentTree read(Ext4Volume volume, Ext4Inode inode) throws IOException {
        ExtentTree tree = new ExtentTree();
        String where = "ext4 extent tree root (inode " + inode.number() + ")";
        int depth = tree.node(volume, inode, inode.block(), where, -1, -1, 0, 1L << 32, new HashSet<>());
        if (depth > MAX_DEPTH) {
            throw new CorruptFilesystemException(where, -1, "depth " + depth + " exceeds " + MAX_DEPTH);
        }
        return tree;
    }

    /**
     * Reads one node and its subtree. {@code expectedDepth} is -1 for the root. Keys must lie in
     * {@code [low, high)}. Returns the node's depth.
     */
    private int node(Ext4Volume volume, Ext4Inode inode, byte[] b, String where, long offset, int expectedDepth,
            long low, long high, Set<Long> visited) throws IOException {
        if (u16(b, 0) != MAGIC) {
            throw new CorruptFilesystemException(where, offset, String.format("bad extent header magic %04x",
                    u16(b, 0)));
        }
        int entries = u16(b, 2);
        int max = u16(b, 4);
        int depth = u16(b, 6);
        int capacity = (b.length - ENTRY) / ENTRY;
        if (max > capacity || entries > max) {
            throw new CorruptFilesystemException(where, offset, entries + " entries, room for " + max + " in a node of "
                    + capacity);
        }
        if (expectedDepth < 0 ? depth > MAX_DEPTH : depth != expectedDepth) {
            throw new CorruptFilesystemException(where, offset, "depth " + depth + (expectedDepth < 0 ? ""
                    : ", expected " + expectedDepth));
        }
        if (expectedDepth >= 0 && volume.superblock().metadataCsum()) {
            int tail = ENTRY + max * ENTRY;
            if (tail + 4 > b.length) {
                throw new CorruptFilesystemException(where, offset, "no room for the checksum tail");
            }
            int computed = Crc32c.of(inode.csumSeed(), b, 0, tail);
            if (computed != s32(b, tail)) {
                throw new CorruptFilesystemException(where, offset + tail, String.format(
                        "checksum mismatch (stored %08x, computed %08x)", s32(b, tail), computed));
            }
        }
        long previous = low - 1;
        for (int i = 0; i < entries; i++) {
            int e = ENTRY + i * ENTRY;
            long first = u32(b, e);
            if (first <= previous || first >= high) {
                throw new CorruptFilesystemException(where, offset < 0 ? -1 : offset + e, "key " + first
                        + " out of order or outside [" + low + ", " + high + ")");
            }
            if (depth == 0) {
                int len = u16(b, e + 4);
                boolean unwritten = len > INIT_MAX_LEN;
                int blocks = unwritten ? len - INIT_MAX_LEN : len;
                long start = u32(b, e + 8) | (long) u16(b, e + 6) << 32;
                if (blocks == 0 || first + blocks > high) {
                    throw new CorruptFilesystemException(where, offset < 0 ? -1 : offset + e, "extent of " + blocks
                            + " blocks at logical " + first + " outside [" + low + ", " + high + ")");
                }
                volume.checkRange(start, blocks, where, offset < 0 ? -1 : offset + e);
                add(first, unwritten ? HOLE : start, blocks);
                previous = first + blocks - 1;
            } else {
                long next = i + 1 < entries ? Math.min(high, u32(b, e + ENTRY)) : high;
                long child = u32(b, e + 4) | (long) u16(b, e + 8) << 32;
                String childWhere = "ext4 extent tree node (inode " + inode.number() + ", block " + child + ")";
                volume.checkRange(child, 1, childWhere, offset < 0 ? -1 : offset + e);
                if (!visited.add(child)) {
                    throw new CorruptFilesystemException(childWhere, child * volume.blockSize(),
                            "tree block reached twice (a loop or a shared subtree)");
                }
                byte[] data = volume.metadataBlock(child, childWhere);
                node(volume, inode, data, childWhere, child * volume.blockSize(), depth - 1, first, next, visited);
                previous = first;
            }
        }
        return depth;
    }

    private void add(long first, long start, int blocks) {
        if (count > 0 && physical[count - 1] == HOLE && start == HOLE
                && logical[count - 1] + length[count - 1] == first && (long) length[count - 1] + blocks
                <= Integer.MAX_VALUE) {
            length[count - 1] += blocks;
            return;
        }
        if (count == logical.length) {
            logical = Arrays.copyOf(logical, count * 2);
            physical = Arrays.copyOf(physical, count * 2);
            length = Arrays.copyOf(length, count * 2);
        }
        logical[count] = first;
        physical[count] = start;
        length[count] = blocks;
        count++;
    }

    int extentCount() {
        return count;
    }

    @Override
    public Run find(long block) {
        int i = last;
        if (!(i < count && logical[i] <= block && block < logical[i] + length[i])) {
            if (i + 1 < count && logical[i + 1] <= block && block < logical[i + 1] + length[i + 1]) {
                i++;
            } else {
                i = Arrays.binarySearch(logical, 0, count, block);
                if (i < 0) {
                    i = -i - 2; // the extent starting before the block, or -1
                }
            }
        }
        if (i >= 0 && block < logical[i] + length[i]) {
            last = i;
            long into = block - logical[i];
            long start = physical[i] == HOLE ? HOLE : physical[i] + into;
            return new Run(block, start, length[i] - into);
        }
        long nextStart = i + 1 < count ? logical[i + 1] : Long.MAX_VALUE;
        return new Run(block, HOLE, nextStart - block);
    }
}
