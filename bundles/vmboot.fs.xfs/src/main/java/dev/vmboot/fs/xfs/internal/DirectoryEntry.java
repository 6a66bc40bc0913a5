package dev.vmboot.fs.xfs.internal;

import java.nio.charset.StandardCharsets;

/**
 * A name in a directory and the inode it points to.
 *
 * @param name  the name's bytes as stored (XFS names are byte strings; UTF-8 by convention)
 * @param inode inode number
 */
record DirectoryEntry(byte[] name, long inode) {
    String nameString() {
        return new String(name, StandardCharsets.UTF_8);
    }

    boolean isDotOrDotDot() {
        return name.length == 1 && name[0] == '.' || name.length == 2 && name[0] == '.' && name[1] == '.';
    }
}
