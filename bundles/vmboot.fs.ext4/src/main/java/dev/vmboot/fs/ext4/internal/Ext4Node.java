package dev.vmboot.fs.ext4.internal;

import java.time.Instant;

import dev.vmboot.api.fs.FileType;
import dev.vmboot.api.fs.FsNode;

/** A directory entry with its inode read. */
record Ext4Node(String name, Ext4Inode inode) implements FsNode {
    @Override
    public FileType type() {
        return inode.type();
    }

    @Override
    public long size() {
        return inode.size();
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
        return inode.number();
    }
}
