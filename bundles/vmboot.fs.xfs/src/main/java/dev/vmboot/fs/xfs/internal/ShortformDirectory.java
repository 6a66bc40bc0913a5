package dev.vmboot.fs.xfs.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.vmboot.api.fs.CorruptFilesystemException;
import dev.vmboot.api.fs.DirectoryBudget;
import dev.vmboot.api.fs.DirectoryBudgetException;

/**
 * A directory stored inside its inode: {@code struct xfs_dir2_sf_hdr} (count, i8count, parent) then
 * {@code struct xfs_dir2_sf_entry}s (namelen, offset[2], name, optional ftype byte, 4- or 8-byte inode number),
 * xfs_da_format.h.
 */
final class ShortformDirectory {
    private ShortformDirectory() {
    }

    static List<DirectoryEntry> entries(XfsInode dir, XfsSuperblock sb, DirectoryBudget.Directory records)
            throws CorruptFilesystemException, DirectoryBudgetException {
        String structure = "XFS shortform directory (inode " + dir.ino() + ")";
        byte[] fork = dir.dataFork();
        int size = (int) dir.size();
        if (size < 6 || size > fork.length) {
            throw new CorruptFilesystemException(structure, dir.offset(), "size " + size + " does not fit the fork");
        }
        int count = BigEndian.getU8(fork, 0);
        int i8count = BigEndian.getU8(fork, 1);
        int inoSize = i8count == 0 ? 4 : 8;
        if (i8count > count) {
            throw new CorruptFilesystemException(structure, dir.offset(), i8count + " 8-byte entries of " + count);
        }
        int pos = 2 + inoSize;
        List<DirectoryEntry> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            records.record();
            if (pos + 3 > size) {
                throw new CorruptFilesystemException(structure, dir.offset() + pos, "entry " + i + " of " + count
                        + " runs past the end (" + size + " bytes)");
            }
            int nameLen = BigEndian.getU8(fork, pos);
            int end = pos + 3 + nameLen + (sb.hasFtype() ? 1 : 0) + inoSize;
            if (nameLen == 0 || end > size) {
                throw new CorruptFilesystemException(structure, dir.offset() + pos, "entry " + i
                        + " has a bad name length " + nameLen);
            }
            byte[] name = Arrays.copyOfRange(fork, pos + 3, pos + 3 + nameLen);
            int inoAt = end - inoSize;
            long ino = inoSize == 4 ? BigEndian.getU32(fork, inoAt) : BigEndian.getLong(fork, inoAt);
            out.add(new DirectoryEntry(name, ino));
            pos = end;
        }
        return out;
    }
}
