package dev.vmboot.fs.ext4.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.vmboot.api.fs.CorruptFilesystemException;
import dev.vmboot.api.fs.DirectoryBudget;
import dev.vmboot.api.storage.BlockDevice;

/**
 * The geometry of an opened filesystem: its device, superblock and group descriptors, a small cache of metadata
 * blocks (inode tables, directory, extent and indirect blocks) bounded in bytes, and the budget its directory reads
 * draw on.
 */
final class Ext4Volume {
    /** Metadata cache budget: enough for a big directory's blocks and its inode table blocks. */
    private static final long CACHE_BYTES = 8L << 20;

    private final BlockDevice device;
    private final Ext4Superblock sb;
    private final long groupCount;
    private final Map<Long, GroupDescriptor> groups = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<Long, byte[]> cache;
    private final int cacheBlocks;
    private final DirectoryBudget directoryBudget;

    Ext4Volume(BlockDevice device, Ext4Superblock sb, DirectoryBudget.Bounds directoryBounds)
            throws CorruptFilesystemException {
        this.device = device;
        this.sb = sb;
        this.directoryBudget = new DirectoryBudget(device.name(), directoryBounds);
        long count = sb.groupCount();
        long descriptorBytes = count * sb.descriptorSize();
        if (descriptorBytes > device.size()) {
            throw new CorruptFilesystemException("ext4 superblock", Ext4Superblock.OFFSET, count
                    + " block groups cannot fit their descriptors on the device");
        }
        this.groupCount = count;
        this.cacheBlocks = (int) Math.max(16, CACHE_BYTES / sb.blockSize());
        this.cache = new LinkedHashMap<>(64, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, byte[]> eldest) {
                return size() > cacheBlocks;
            }
        };
    }

    BlockDevice device() {
        return device;
    }

    DirectoryBudget directoryBudget() {
        return directoryBudget;
    }

    Ext4Superblock superblock() {
        return sb;
    }

    int blockSize() {
        return sb.blockSize();
    }

    /** Checks that blocks {@code [block, block + count)} lie inside the filesystem. */
    void checkRange(long block, long count, String structure, long offset) throws CorruptFilesystemException {
        if (block < 0 || count < 0 || block >= sb.blocksCount() || count > sb.blocksCount() - block) {
            throw new CorruptFilesystemException(structure, offset, "block range " + block + "+" + count
                    + " outside the " + sb.blocksCount() + "-block filesystem");
        }
    }

    /** One whole metadata block, through the cache. The caller must not modify the array. */
    byte[] metadataBlock(long block, String structure) throws IOException {
        checkRange(block, 1, structure, -1);
        synchronized (cache) {
            byte[] cached = cache.get(block);
            if (cached != null) {
                return cached;
            }
        }
        byte[] data = new byte[sb.blockSize()];
        device.readFully(block * sb.blockSize(), ByteBuffer.wrap(data));
        synchronized (cache) {
            cache.put(block, data);
        }
        return data;
    }

    /** The descriptor of group {@code g}, read and verified on first use. */
    GroupDescriptor group(long g) throws IOException {
        if (g < 0 || g >= groupCount) {
            throw new IllegalArgumentException("group " + g);
        }
        GroupDescriptor known = groups.get(g);
        if (known != null) {
            return known;
        }
        int perBlock = sb.blockSize() / sb.descriptorSize();
        long metaGroup = g / perBlock;
        long block;
        if (sb.hasIncompat(Ext4Superblock.INCOMPAT_META_BG) && metaGroup >= sb.firstMetaBg()) {
            // meta_bg: each run of perBlock groups keeps its descriptor block in its own first group.
            long first = metaGroup * perBlock;
            block = sb.firstDataBlock() + first * sb.blocksPerGroup() + (sb.hasSuperblockBackup(first) ? 1 : 0);
        } else {
            block = sb.firstDataBlock() + 1 + metaGroup;
        }
        byte[] data = metadataBlock(block, "ext4 group descriptor block");
        int off = (int) (g % perBlock) * sb.descriptorSize();
        GroupDescriptor gd = GroupDescriptor.parse(data, off, g, sb, block * sb.blockSize() + off);
        groups.put(g, gd);
        return gd;
    }

    /** Reads and parses inode {@code number} (1-based). */
    Ext4Inode inode(long number) throws IOException {
        if (number < 1 || number > sb.inodesCount()) {
            throw new CorruptFilesystemException("ext4 inode " + number, -1, "inode number outside 1.."
                    + sb.inodesCount());
        }
        long g = (number - 1) / sb.inodesPerGroup();
        long index = (number - 1) % sb.inodesPerGroup();
        GroupDescriptor gd = group(g);
        long byteInTable = index * sb.inodeSize();
        long block = gd.inodeTable() + byteInTable / sb.blockSize();
        int off = (int) (byteInTable % sb.blockSize());
        long deviceOffset = block * sb.blockSize() + off;
        if (gd.inodeTableUninitialised(sb) || index >= sb.inodesPerGroup() - (sb.groupChecksums()
                ? gd.itableUnused() : 0)) {
            throw new CorruptFilesystemException("ext4 inode " + number, deviceOffset,
                    "inode lies in the never-initialised part of group " + g + "'s inode table");
        }
        byte[] data = metadataBlock(block, "ext4 inode table");
        byte[] raw = new byte[sb.inodeSize()];
        System.arraycopy(data, off, raw, 0, raw.length);
        return Ext4Inode.parse(raw, number, sb, deviceOffset);
    }
}
