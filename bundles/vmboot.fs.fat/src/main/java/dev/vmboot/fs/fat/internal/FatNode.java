package dev.vmboot.fs.fat.internal;

import java.time.Instant;

import dev.vmboot.api.fs.FileType;
import dev.vmboot.api.fs.FsNode;

/**
 * A FAT directory entry: a file or a subdirectory (FAT has no other kinds).
 *
 * @param name         the long name if a valid one precedes the entry, else the 8.3 name; {@code "/"} for the root
 * @param attributes   DIR_Attr
 * @param firstCluster the first cluster of the data (0 for an empty file; the root cluster on FAT32, 0 for the fixed
 *                     FAT12/16 root directory)
 * @param size         DIR_FileSize (0 for directories)
 * @param modified     DIR_WrtDate/DIR_WrtTime
 * @param entryOffset  device byte offset of the 8.3 entry (of the root directory itself for the root)
 * @param depth        directories between the root and this entry, to bound walks on a corrupt tree
 */
record FatNode(String name, int attributes, long firstCluster, long size, Instant modified, long entryOffset,
        int depth) implements FsNode {

    /** fatgen103 DIR_Attr bits. */
    static final int ATTR_READ_ONLY = 0x01;
    static final int ATTR_VOLUME_ID = 0x08;
    static final int ATTR_DIRECTORY = 0x10;

    @Override
    public FileType type() {
        return (attributes & ATTR_DIRECTORY) != 0 ? FileType.DIRECTORY : FileType.REGULAR;
    }

    /** Synthesised: 0755 for directories, 0644 for files, without write bits when the read-only attribute is set. */
    @Override
    public int mode() {
        boolean dir = (attributes & ATTR_DIRECTORY) != 0;
        int perms = dir ? 0755 : 0644;
        if ((attributes & ATTR_READ_ONLY) != 0) {
            perms &= ~0222;
        }
        return (dir ? 0x4000 : 0x8000) | perms;
    }

    /** The device byte offset of the entry's 8.3 directory entry: unique within the volume. */
    @Override
    public long id() {
        return entryOffset;
    }
}
