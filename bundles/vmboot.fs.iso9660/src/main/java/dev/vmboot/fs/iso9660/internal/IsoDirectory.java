package dev.vmboot.fs.iso9660.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.vmboot.api.fs.CorruptFilesystemException;
import dev.vmboot.api.fs.DirectoryBudget;
import dev.vmboot.api.fs.FileType;

/**
 * Turns a directory's data into nodes: ECMA-119 6.8.1 records packed into 2048-byte sectors (a zero length byte ends
 * a sector's records), the sections of a multi-extent file (6.5.1, flag bit 7) joined into one file, associated
 * files (flag bit 2) left out as Linux leaves them out, and with Rock Ridge: NM names, PX modes, SL links, TF times,
 * relocated directories (RE entries hidden, CL entries standing for the directory they point to). Every record
 * counts against the volume's {@link DirectoryBudget}.
 */
final class IsoDirectory {
    private final IsoVolume volume;
    private final IsoNode directory;
    private final DirectoryBudget.Directory budget;

    private IsoDirectory(IsoVolume volume, IsoNode directory) {
        this.volume = volume;
        this.directory = directory;
        this.budget = volume.directoryBudget(directory);
    }

    /** The entries of {@code directory}, without '.' and '..', their ancestry not yet bound. */
    static List<IsoNode> read(IsoVolume volume, IsoNode directory) throws IOException {
        IsoDirectory reader = new IsoDirectory(volume, directory);
        return reader.parse(volume.directoryData(directory, reader.budget));
    }

    private List<IsoNode> parse(byte[] data) throws IOException {
        List<IsoNode> nodes = new ArrayList<>();
        List<DirectoryRecord> sections = new ArrayList<>();
        FileExtents extents = directory.extents();
        for (int sector = 0; sector < data.length; sector += IsoVolume.BLOCK_SIZE) {
            int end = Math.min(data.length, sector + IsoVolume.BLOCK_SIZE);
            int pos = sector;
            while (pos < end && data[pos] != 0) {
                budget.record();
                long offset = extents.deviceOffset(pos);
                int length = IsoNumbers.u8(data, pos);
                if (pos + length > end) {
                    throw new CorruptFilesystemException("ISO9660 directory record in \"" + directory.name() + "\"",
                            offset, "length " + length + " crosses the end of its sector or directory");
                }
                DirectoryRecord record = DirectoryRecord.parse(data, pos, offset);
                pos += length;
                if (record.isSelf() || record.isParent()) {
                    if (!sections.isEmpty()) {
                        throw unfinished(sections, record);
                    }
                    continue;
                }
                if (!sections.isEmpty() && !Arrays.equals(sections.get(0).identifier(), record.identifier())) {
                    throw unfinished(sections, record);
                }
                sections.add(record);
                if (record.isMultiExtent()) {
                    if (record.isDirectory()) {
                        throw new CorruptFilesystemException(record.describe(), record.offset(),
                                "a directory marked as a multi-extent file section");
                    }
                    continue;
                }
                IsoNode node = node(sections);
                sections.clear();
                if (node != null) {
                    nodes.add(node);
                }
            }
        }
        if (!sections.isEmpty()) {
            throw new CorruptFilesystemException(sections.get(0).describe(), sections.get(0).offset(),
                    "the directory ends before the final section of this multi-extent file");
        }
        return nodes;
    }

    private static CorruptFilesystemException unfinished(List<DirectoryRecord> sections, DirectoryRecord next) {
        return new CorruptFilesystemException(sections.get(0).describe(), sections.get(0).offset(),
                "multi-extent file is followed by " + next.describe() + " at byte " + next.offset()
                        + " before its final section");
    }

    /** The node for one record, or the records of a multi-extent file; null for an entry that is not shown. */
    private IsoNode node(List<DirectoryRecord> records) throws IOException {
        DirectoryRecord first = records.get(0);
        if (first.isAssociated()) {
            return null;
        }
        String structure = first.describe();
        FileExtents extents = new FileExtents(records.stream().map(DirectoryRecord::section).toList());
        if (first.isDirectory() && records.size() > 1) {
            throw new CorruptFilesystemException(structure, first.offset(), "a directory in several sections");
        }
        switch (volume.namespace()) {
            case JOLIET:
                return plainNode(FileNames.joliet(first.identifier(), structure, first.offset()), first, extents);
            case PLAIN:
                return plainNode(FileNames.plain(first.identifier(), structure, first.offset()), first, extents);
            default:
                return rockRidgeNode(first, extents, structure);
        }
    }

    private static IsoNode plainNode(String name, DirectoryRecord first, FileExtents extents) {
        boolean dir = first.isDirectory();
        return new IsoNode(name, dir ? FileType.DIRECTORY : FileType.REGULAR, extents.size(),
                dir ? IsoNode.DIRECTORY_MODE : IsoNode.FILE_MODE, first.recorded(),
                dir ? extents.firstByte() : first.offset(), extents, null, null, null, first.offset(), null);
    }

    private IsoNode rockRidgeNode(DirectoryRecord first, FileExtents extents, String structure) throws IOException {
        RockRidge rr = volume.rockRidge(first, structure, budget);
        if (rr.relocated()) {
            return null;
        }
        String name = rr.name() != null ? rr.name() : FileNames.plain(first.identifier(), structure, first.offset());
        if (rr.childLink() >= 0) {
            return relocatedDirectory(name, first, rr);
        }
        FileType type = rr.mode() >= 0 ? FileType.fromMode(rr.mode())
                : first.isDirectory() ? FileType.DIRECTORY : FileType.REGULAR;
        if ((type == FileType.DIRECTORY) != first.isDirectory()) {
            throw new CorruptFilesystemException(structure, first.offset(), "Rock Ridge mode 0"
                    + Integer.toOctalString(rr.mode()) + " disagrees with the directory flag "
                    + first.isDirectory());
        }
        int mode = rr.mode() >= 0 ? rr.mode() : type == FileType.DIRECTORY ? IsoNode.DIRECTORY_MODE
                : IsoNode.FILE_MODE;
        java.time.Instant modified = rr.modified() != null ? rr.modified() : first.recorded();
        switch (type) {
            case DIRECTORY:
                return new IsoNode(name, type, extents.size(), mode, modified, extents.firstByte(), extents, null,
                        null, null, first.offset(), null);
            case SYMLINK: {
                if (rr.symlink() == null) {
                    throw new CorruptFilesystemException(structure, first.offset(),
                            "a symbolic link (Rock Ridge mode 0" + Integer.toOctalString(rr.mode())
                                    + ") without an SL entry");
                }
                return new IsoNode(name, type, rr.symlink().getBytes(StandardCharsets.UTF_8).length, mode, modified,
                        first.offset(), extents, rr.symlink(), null, null, first.offset(), null);
            }
            case REGULAR: {
                String unsupported = rr.sparse() ? "a Rock Ridge sparse file (SF entry), which this reader does not"
                        + " read" : null;
                long size = extents.size();
                RockRidge.Zisofs zisofs = rr.zisofs();
                if (zisofs != null) {
                    size = zisofs.size();
                    unsupported = unsupported != null ? unsupported : ZisofsChannel.unsupported(zisofs);
                }
                return new IsoNode(name, type, size, mode, modified, first.offset(), extents, null, zisofs,
                        unsupported, first.offset(), null);
            }
            default:
                return new IsoNode(name, type, 0, mode, modified, first.offset(), extents, null, null, null,
                        first.offset(), null);
        }
    }

    /**
     * RRIP 4.1.5.1: a record with a CL entry stands for a directory moved elsewhere (to keep the primary tree within
     * ECMA-119's eight levels); the directory's own '.' record carries its attributes, the CL record its name.
     */
    private IsoNode relocatedDirectory(String name, DirectoryRecord placeholder, RockRidge rr) throws IOException {
        String structure = "Rock Ridge CL entry of " + placeholder.describe();
        DirectoryRecord self = volume.selfRecord(rr.childLink(), structure, placeholder.offset(), budget);
        RockRidge own = volume.rockRidge(self, "'.' record of relocated directory \"" + name + "\"", budget);
        if (own.childLink() >= 0) {
            throw new CorruptFilesystemException(structure, placeholder.offset(), "the relocated directory at block "
                    + rr.childLink() + " has a child link itself");
        }
        if (own.mode() >= 0 && FileType.fromMode(own.mode()) != FileType.DIRECTORY) {
            throw new CorruptFilesystemException(structure, placeholder.offset(), "the relocated directory's mode 0"
                    + Integer.toOctalString(own.mode()) + " is not a directory's");
        }
        FileExtents extents = FileExtents.of(self.section());
        return new IsoNode(name, FileType.DIRECTORY, extents.size(),
                own.mode() >= 0 ? own.mode() : IsoNode.DIRECTORY_MODE,
                own.modified() != null ? own.modified() : self.recorded(), extents.firstByte(), extents, null, null,
                null, placeholder.offset(), null);
    }
}
