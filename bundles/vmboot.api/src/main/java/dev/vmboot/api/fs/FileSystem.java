package dev.vmboot.api.fs;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A read-only filesystem opened by a {@link FileSystemReader}. Path handling (splitting, {@code ..}, symlinks) is
 * done by {@link FsPaths} on top of these primitives.
 */
@ConsumerType
public interface FileSystem extends Closeable {

    /** Short type name, as the reader registers it: {@code xfs}, {@code ext4}, {@code vfat}, {@code iso9660}. */
    String type();

    /** Volume label, empty if none. */
    String label();

    /** Volume UUID (or serial number) as the format's own tools print it, empty if none. */
    String uuid();

    /** The root directory. */
    FsNode root() throws IOException;

    /** Entries of a directory, without {@code .} and {@code ..}, in on-disk order. */
    List<FsNode> list(FsNode directory) throws IOException;

    /**
     * One entry of a directory by name. The default scans {@link #list}; readers with hashed or sorted directories
     * override it. Names compare case-sensitively unless {@link #caseSensitive()} is false.
     */
    default Optional<FsNode> lookup(FsNode directory, String name) throws IOException {
        for (FsNode node : list(directory)) {
            if (caseSensitive() ? node.name().equals(name) : node.name().equalsIgnoreCase(name)) {
                return Optional.of(node);
            }
        }
        return Optional.empty();
    }

    /** A read-only channel on a regular file's bytes; holes read as zeros. */
    SeekableByteChannel open(FsNode file) throws IOException;

    /** The target of a symbolic link. */
    String readLink(FsNode symlink) throws IOException;

    /** False for filesystems whose names are case-insensitive (FAT). */
    default boolean caseSensitive() {
        return true;
    }
}
