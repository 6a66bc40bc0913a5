package dev.vmboot.fs.ext4.internal;

import static dev.vmboot.fs.ext4.internal.LittleEndian.s32;
import static dev.vmboot.fs.ext4.internal.LittleEndian.u32;
import static dev.vmboot.fs.ext4.internal.LittleEndian.u8;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import dev.vmboot.api.fs.CorruptFilesystemException;
import dev.vmboot.api.fs.DirectoryBudget;

/**
 * A directory's entries: inline (in the inode), linear blocks, or an htree, which is linear blocks plus index blocks
 * that read as empty. Listing scans every block in order; a lookup in an indexed directory hashes the name and reads
 * only the index path and the leaf (and the next leaves while the hash continues there). One instance serves one
 * listing or lookup, whose blocks and records it counts against the volume's {@link DirectoryBudget}.
 */
final class Ext4Directory {
    /** {@code ext4_dir_htree_level}: two index levels, three with large_dir. */
    private static final int MAX_LEVELS_LARGEDIR = 3;
    private static final int MAX_LEVELS = 2;

    private final Ext4Volume volume;
    private final Ext4Inode dir;
    private final Ext4Superblock sb;
    private final int blockSize;
    private final String where;
    private final DirectoryBudget.Directory budget;

    Ext4Directory(Ext4Volume volume, Ext4Inode dir) throws IOException {
        this.volume = volume;
        this.dir = dir;
        this.sb = volume.superblock();
        this.blockSize = volume.blockSize();
        this.where = "ext4 directory (inode " + dir.number() + ")";
        this.budget = volume.directoryBudget().directory(where);
        if (dir.hasFlag(Ext4Inode.FL_ENCRYPT)) {
            throw new IOException(where + ": encrypted directories are not supported");
        }
        if (dir.size() > volume.device().size()) {
            throw new CorruptFilesystemException(where, -1, "size " + dir.size() + " exceeds the device");
        }
    }

    /** Every live entry except '.' and '..', in on-disk order. */
    List<DirectoryEntry> entries() throws IOException {
        List<DirectoryEntry> out = new ArrayList<>();
        scan(e -> {
            if (!e.isDotOrDotDot()) {
                out.add(e);
            }
            return false;
        });
        return out;
    }

    /** The entry called {@code name}, through the htree when there is a usable one. */
    Optional<DirectoryEntry> find(byte[] name) throws IOException {
        if (dir.hasFlag(Ext4Inode.FL_INDEX) && !dir.hasFlag(Ext4Inode.FL_INLINE_DATA)
                && !dir.hasFlag(Ext4Inode.FL_CASEFOLD) && sb.hasCompat(Ext4Superblock.COMPAT_DIR_INDEX)) {
            return htreeFind(name);
        }
        DirectoryEntry[] found = new DirectoryEntry[1];
        scan(e -> {
            if (Arrays.equals(e.name(), name)) {
                found[0] = e;
                return true;
            }
            return false;
        });
        return Optional.ofNullable(found[0]);
    }

    /** Visits every entry in on-disk order. */
    private void scan(DirectoryBlock.Sink sink) throws IOException {
        if (dir.hasFlag(Ext4Inode.FL_INLINE_DATA)) {
            scanInline(sink);
            return;
        }
        BlockMap map = BlockMap.of(volume, dir);
        long blocks = (dir.size() + blockSize - 1) / blockSize;
        long lb = 0;
        while (lb < blocks) {
            BlockMap.Run run = map.find(lb);
            long n = Math.min(run.length(), blocks - lb);
            if (!run.hole()) {
                for (long i = 0; i < n; i++) {
                    if (scanBlock(lb + i, run.physical() + i, sink)) {
                        return;
                    }
                }
            }
            lb += n;
        }
    }

    private boolean scanBlock(long logical, long physical, DirectoryBlock.Sink sink) throws IOException {
        budget.read(blockSize);
        byte[] b = volume.metadataBlock(physical, where);
        long offset = physical * blockSize;
        int end = blockSize;
        if (sb.metadataCsum()) {
            // Index blocks first: a dx_tail made from a former leaf's tail can look like a dirent tail.
            if (dir.hasFlag(Ext4Inode.FL_INDEX) && logical == 0) {
                DirectoryBlock.checkDx(b, rootCountOffset(b, offset), dir, true, where, offset);
            } else if (dir.hasFlag(Ext4Inode.FL_INDEX) && DirectoryBlock.isDxNode(b, blockSize)) {
                DirectoryBlock.checkDx(b, DirectoryBlock.DX_NODE_ENTRIES, dir, true, where, offset);
            } else if (DirectoryBlock.hasTail(b)) {
                DirectoryBlock.verifyLeaf(b, dir, where, offset);
                end = blockSize - DirectoryBlock.TAIL_SIZE;
            } else {
                throw new CorruptFilesystemException(where, offset, "directory block " + logical
                        + " has no checksum tail");
            }
        }
        return DirectoryBlock.parse(b, 0, end, blockSize, sb, where, offset, budget, sink);
    }

    /** Inline directory: the parent's inode number, then entries in the rest of i_block and in system.data. */
    private void scanInline(DirectoryBlock.Sink sink) throws IOException {
        byte[] block = dir.block();
        long parent = u32(block, 0);
        if (sink.accept(new DirectoryEntry(parent, new byte[] {'.', '.'}, 2))) {
            return;
        }
        String inlineWhere = where + " inline data";
        if (DirectoryBlock.parse(block, 4, Ext4Inode.BLOCK_BYTES, blockSize, sb, inlineWhere, -1, budget, sink)) {
            return;
        }
        byte[] tail = dir.inlineTail();
        if (tail.length > 0) {
            DirectoryBlock.parse(tail, 0, tail.length, blockSize, sb, inlineWhere, -1, budget, sink);
        }
    }

    /** Validates the dx_root_info and returns where the root's limit/count are. */
    private int rootCountOffset(byte[] b, long offset) throws CorruptFilesystemException {
        int info = DirectoryBlock.DX_ROOT_INFO;
        int infoLength = u8(b, info + 5);
        int levels = u8(b, info + 6);
        int maxLevels = sb.hasIncompat(Ext4Superblock.INCOMPAT_LARGEDIR) ? MAX_LEVELS_LARGEDIR : MAX_LEVELS;
        if (s32(b, info) != 0 || infoLength != 8 || levels >= maxLevels) {
            throw new CorruptFilesystemException(where, offset + info, "bad htree root (info length " + infoLength
                    + ", " + levels + " indirect levels)");
        }
        return info + infoLength;
    }

    private Optional<DirectoryEntry> htreeFind(byte[] name) throws IOException {
        BlockMap map = BlockMap.of(volume, dir);
        long blocks = (dir.size() + blockSize - 1) / blockSize;
        boolean csum = sb.metadataCsum();
        byte[] root = block(map, 0, blocks);
        long rootOffset = -1;
        int countOffset = rootCountOffset(root, rootOffset);
        int version = u8(root, DirectoryBlock.DX_ROOT_INFO + 4);
        if (version <= DirectoryHash.TEA && (sb.flags() & Ext4Superblock.FLAG_UNSIGNED_HASH) != 0) {
            version += 3;
        }
        if (!DirectoryHash.known(version)) {
            throw new CorruptFilesystemException(where, -1, "unknown htree hash version " + version);
        }
        int levels = u8(root, DirectoryBlock.DX_ROOT_INFO + 6);
        int hash = DirectoryHash.hash(name, version, sb.hashSeed());
        // One frame per index level: its block, where its entries start, their count, the chosen entry.
        byte[][] frameBlock = new byte[levels + 1][];
        int[] frameStart = new int[levels + 1];
        int[] frameCount = new int[levels + 1];
        int[] frameAt = new int[levels + 1];
        frameBlock[0] = root;
        frameStart[0] = countOffset;
        frameCount[0] = DirectoryBlock.checkDx(root, countOffset, dir, csum, where, rootOffset);
        frameAt[0] = search(root, countOffset, frameCount[0], hash);
        for (int level = 1; level <= levels; level++) {
            long child = entryBlock(frameBlock[level - 1], frameStart[level - 1], frameAt[level - 1]);
            byte[] node = block(map, child, blocks);
            if (!DirectoryBlock.isDxNode(node, blockSize)) {
                throw new CorruptFilesystemException(where, -1, "htree index block " + child
                        + " is not an index node");
            }
            frameBlock[level] = node;
            frameStart[level] = DirectoryBlock.DX_NODE_ENTRIES;
            frameCount[level] = DirectoryBlock.checkDx(node, DirectoryBlock.DX_NODE_ENTRIES, dir, csum, where, -1);
            frameAt[level] = search(node, DirectoryBlock.DX_NODE_ENTRIES, frameCount[level], hash);
        }
        DirectoryEntry[] found = new DirectoryEntry[1];
        DirectoryBlock.Sink match = e -> {
            if (Arrays.equals(e.name(), name)) {
                found[0] = e;
                return true;
            }
            return false;
        };
        for (long leaves = 0; leaves < blocks; leaves++) {
            long leaf = entryBlock(frameBlock[levels], frameStart[levels], frameAt[levels]);
            if (leaf == 0) {
                throw new CorruptFilesystemException(where, -1, "htree index points a leaf at the root block");
            }
            if (scanLeaf(map, leaf, blocks, match)) {
                return Optional.of(found[0]);
            }
            // ext4_htree_next_block: the next leaf matters only if it continues this hash (low bit set).
            int level = levels;
            while (level >= 0 && frameAt[level] + 1 >= frameCount[level]) {
                level--;
            }
            if (level < 0) {
                return Optional.empty();
            }
            frameAt[level]++;
            int nextHash = s32(frameBlock[level], frameStart[level] + frameAt[level] * 8);
            if ((nextHash & ~1) != hash) {
                return Optional.empty();
            }
            for (int l = level + 1; l <= levels; l++) {
                long child = entryBlock(frameBlock[l - 1], frameStart[l - 1], frameAt[l - 1]);
                byte[] node = block(map, child, blocks);
                if (!DirectoryBlock.isDxNode(node, blockSize)) {
                    throw new CorruptFilesystemException(where, -1, "htree index block " + child
                            + " is not an index node");
                }
                frameBlock[l] = node;
                frameCount[l] = DirectoryBlock.checkDx(node, DirectoryBlock.DX_NODE_ENTRIES, dir, csum, where, -1);
                frameAt[l] = 0;
            }
        }
        throw new CorruptFilesystemException(where, -1, "htree continuation chain longer than the directory");
    }

    private boolean scanLeaf(BlockMap map, long leaf, long blocks, DirectoryBlock.Sink sink) throws IOException {
        BlockMap.Run run = map.find(leaf);
        if (leaf >= blocks || run.hole()) {
            throw new CorruptFilesystemException(where, -1, "htree leaf " + leaf + " is a hole or past the end");
        }
        return scanBlock(leaf, run.physical(), sink);
    }

    /** The index entry whose range holds {@code hash}: the last one whose hash is at most it (dx_probe). */
    private static int search(byte[] b, int start, int count, int hash) {
        int lo = 1;
        int hi = count - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (Integer.compareUnsigned(s32(b, start + mid * 8), hash) > 0) {
                hi = mid - 1;
            } else {
                lo = mid + 1;
            }
        }
        return lo - 1;
    }

    /** {@code dx_get_block}: the low 28 bits of the entry's block (the high bits are reserved). */
    private static long entryBlock(byte[] b, int start, int at) {
        return u32(b, start + at * 8 + 4) & 0x0FFF_FFFFL;
    }

    private byte[] block(BlockMap map, long logical, long blocks) throws IOException {
        BlockMap.Run run = logical < blocks ? map.find(logical) : null;
        if (run == null || run.hole()) {
            throw new CorruptFilesystemException(where, -1, "htree block " + logical + " is a hole or past the end");
        }
        budget.read(blockSize);
        return volume.metadataBlock(run.physical(), where);
    }
}
