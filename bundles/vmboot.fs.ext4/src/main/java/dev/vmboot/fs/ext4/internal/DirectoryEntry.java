package dev.vmboot.fs.ext4.internal;

import java.nio.charset.StandardCharsets;

/**
 * One live directory entry ({@code struct ext4_dir_entry_2}): the inode it names and the raw name bytes.
 *
 * @param fileType the entry's {@code file_type} byte (0 when the filesystem has no filetype feature)
 */
record DirectoryEntry(long inode, byte[] name, int fileType) {
    String nameString() {
        return new String(name, StandardCharsets.UTF_8);
    }

    boolean isDotOrDotDot() {
        return (name.length == 1 && name[0] == '.') || (name.length == 2 && name[0] == '.' && name[1] == '.');
    }
}
