package dev.vmboot.fs.xfs.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.vmboot.api.fs.CorruptFilesystemException;
import dev.vmboot.api.fs.DirectoryBudget;
import dev.vmboot.api.storage.BlockDevice;

/**
 * The device and superblock of an open XFS, with a small LRU cache of metadata blocks (inode clusters, directory
 * and btree blocks) so that listing a directory does not read each inode's block once per inode, and the budget its
 * directory reads draw on.
 */
final class XfsVolume {
    /** Cached metadata, in bytes. */
    private static final long CACHE_BYTES = 8L << 20;

    private final BlockDevice device;
    private final XfsSuperblock sb;
    private final Map<Long, byte[]> cache = new LinkedHashMap<>(256, 0.75f, true);
    private long cachedBytes;
    private final DirectoryBudget directoryBudget;

    XfsVolume(BlockDevice device, XfsSuperblock sb, DirectoryBudget.Bounds directoryBounds) {
        this.device = device;
        this.sb = sb;
        this.directoryBudget = new DirectoryBudget(device.name(), directoryBounds);
    }

    DirectoryBudget directoryBudget() {
        return directoryBudget;
    }

    BlockDevice device() {
        return device;
    }

    XfsSuperblock superblock() {
        return sb;
    }

    /**
     * {@code count} filesystem blocks from device block {@code deviceBlock} (already range-checked against the
     * filesystem). The array is shared with the cache: callers must not modify it.
     */
    byte[] readBlocks(long deviceBlock, int count) throws IOException {
        int length = count << sb.blockLog();
        synchronized (cache) {
            byte[] hit = cache.get(deviceBlock);
            if (hit != null && hit.length == length) {
                return hit;
            }
        }
        long pos = deviceBlock << sb.blockLog();
        if (pos + length > device.size()) {
            throw new CorruptFilesystemException("XFS metadata block " + deviceBlock, pos,
                    "beyond the end of the device (" + device.size() + " bytes): truncated image?");
        }
        byte[] data = new byte[length];
        device.readFully(pos, ByteBuffer.wrap(data));
        synchronized (cache) {
            byte[] old = cache.put(deviceBlock, data);
            cachedBytes += length - (old == null ? 0 : old.length);
            var it = cache.values().iterator();
            while (cachedBytes > CACHE_BYTES && it.hasNext()) {
                cachedBytes -= it.next().length;
                it.remove();
            }
        }
        return data;
    }

    /** Reads and verifies inode {@code ino}. */
    XfsInode inode(long ino) throws IOException {
        long offset = sb.inodeOffset(ino);
        long block = offset >> sb.blockLog();
        byte[] cluster = readBlocks(block, 1);
        int at = (int) (offset - (block << sb.blockLog()));
        byte[] raw = java.util.Arrays.copyOfRange(cluster, at, at + sb.inodeSize());
        return XfsInode.parse(raw, ino, offset, sb);
    }
}
