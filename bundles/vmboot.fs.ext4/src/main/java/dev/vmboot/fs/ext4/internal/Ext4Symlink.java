package dev.vmboot.fs.ext4.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import dev.vmboot.api.fs.CorruptFilesystemException;

/**
 * Symbolic link targets (Documentation/filesystems/ext4/inodes.rst, "i_block"): inline data, a fast symlink kept in
 * {@code i_block} (no data blocks, as {@code ext4_inode_is_fast_symlink} decides), or a slow one in a data block
 * reached through the extent tree or block map.
 */
final class Ext4Symlink {
    private Ext4Symlink() {
    }

    static String target(Ext4Volume volume, Ext4Inode inode) throws IOException {
        String where = "ext4 symlink (inode " + inode.number() + ")";
        if (inode.hasFlag(Ext4Inode.FL_ENCRYPT)) {
            throw new IOException(where + ": encrypted symlinks are not supported");
        }
        long size = inode.size();
        if (size > volume.blockSize()) {
            throw new CorruptFilesystemException(where, -1, "target length " + size + " exceeds a block");
        }
        byte[] bytes;
        if (inode.hasFlag(Ext4Inode.FL_INLINE_DATA)) {
            bytes = inode.inlineData();
        } else if (isFast(volume, inode)) {
            if (size >= Ext4Inode.BLOCK_BYTES) {
                throw new CorruptFilesystemException(where, -1, "fast symlink of " + size + " bytes");
            }
            bytes = java.util.Arrays.copyOf(inode.block(), (int) size);
        } else {
            bytes = new byte[(int) size];
            BlockMap map = BlockMap.of(volume, inode);
            try (Ext4FileChannel ch = new Ext4FileChannel(volume, map, size)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining() && ch.read(buf) > 0) {
                    // fill: the channel returns size bytes
                }
            }
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** No data blocks besides an extended attribute block: the target is in i_block. */
    private static boolean isFast(Ext4Volume volume, Ext4Inode inode) {
        long eaBlocks = inode.fileAcl() != 0 ? volume.superblock().clusterSize() / 512 : 0;
        return inode.blocks512() - eaBlocks == 0;
    }
}
