package dev.vmboot.api.fs;

import java.time.Instant;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A file, directory or other entry of a {@link FileSystem}. Readers implement it with whatever they need to find the
 * entry's data again (an inode number, a first cluster, an extent); only the reader that made a node may be given it
 * back.
 */
@ConsumerType
public interface FsNode {

    /** The entry's name in its directory; {@code "/"} for the root. */
    String name();

    FileType type();

    /** Size in bytes (for a symlink, the length of its target). */
    long size();

    /** POSIX permission and type bits; synthesised by readers of filesystems that have none (FAT). */
    int mode();

    /** Last modification time, {@link Instant#EPOCH} if the filesystem does not record one. */
    Instant modified();

    /** A number that identifies the entry within its filesystem (inode number, first cluster, extent block). */
    long id();
}
