package dev.vmboot.fs.xfs.internal;

import java.time.Instant;

import dev.vmboot.api.fs.FileType;
import dev.vmboot.api.fs.FsNode;

/**
 * A directory entry of an XFS filesystem with its parsed inode.
 *
 * @param name  the entry's name, {@code "/"} for the root
 * @param inode the inode the entry points to
 */
record XfsNode(String name, XfsInode inode) implements FsNode {
    @Override
    public FileType type() {
        return inode.type();
    }

    @Override
    public long size() {
        return inode.format() == XfsInode.FMT_DEV ? 0 : inode.size();
    }

    @Override
    public int mode() {
        return inode.mode();
    }

    @Override
    public Instant modified() {
        return inode.modified();
    }

    @Override
    public long id() {
        return inode.ino();
    }
}
