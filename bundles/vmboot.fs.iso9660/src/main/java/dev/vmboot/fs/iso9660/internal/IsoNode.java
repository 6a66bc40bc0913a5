package dev.vmboot.fs.iso9660.internal;

import java.time.Instant;

import dev.vmboot.api.fs.FileType;
import dev.vmboot.api.fs.FsNode;

/**
 * A file, directory or symbolic link of an ISO9660 volume.
 *
 * @param name         the name in the volume's namespace; {@code "/"} for the root
 * @param type         from the Rock Ridge mode, else from the directory flag
 * @param size         file size (uncompressed for zisofs), directory data length, or symlink target bytes
 * @param mode         Rock Ridge PX mode, else synthesised (0555 directories, 0444 files)
 * @param modified     Rock Ridge TF modification time, else the record's recording date
 * @param id           device byte offset of a directory's data, of a file's (first) directory record
 * @param extents      the data: a directory's records, a file's bytes
 * @param linkTarget   a symbolic link's target, else null
 * @param zisofs       the zisofs parameters of a compressed file, else null
 * @param unsupported  why this file's data cannot be read (a feature the reader lacks), else null
 * @param recordOffset device byte offset of the (first) directory record naming this node, -1 for the root
 * @param ancestry     the directories above this node, null for the root and until a listing binds it
 */
record IsoNode(String name, FileType type, long size, int mode, Instant modified, long id, FileExtents extents,
        String linkTarget, RockRidge.Zisofs zisofs, String unsupported, long recordOffset, Ancestry ancestry)
        implements FsNode {

    /** Synthesised modes for volumes without Rock Ridge ({@code <sys/stat.h>} S_IFDIR, S_IFREG). */
    static final int DIRECTORY_MODE = 0x4000 | 0555;
    static final int FILE_MODE = 0x8000 | 0444;

    IsoNode withAncestry(Ancestry chain) {
        return new IsoNode(name, type, size, mode, modified, id, extents, linkTarget, zisofs, unsupported,
                recordOffset, chain);
    }

    /** The directory chain of this directory's children. */
    Ancestry childAncestry() {
        return Ancestry.below(ancestry, id);
    }

    @Override
    public String toString() {
        return type.letter() + " " + name + " (" + size + " bytes, id " + id + ")";
    }
}
