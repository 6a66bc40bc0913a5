package dev.vmboot.fs.xfs.internal;

import java.util.Arrays;
import java.util.List;

import dev.vmboot.api.fs.CorruptFilesystemException;
import dev.vmboot.api.fs.DirectoryBudget;
import dev.vmboot.api.fs.DirectoryBudgetException;

/**
 * The entries of a directory data block ("XDD3"/"XD2D") or single-block directory ("XDB3"/"XD2B"): after the header
 * ({@code struct xfs_dir3_data_hdr}, 64 bytes, or {@code struct xfs_dir2_data_hdr}, 16 bytes) come 8-byte aligned
 * {@code struct xfs_dir2_data_entry}s (inumber, namelen, name, optional ftype, tag) and
 * {@code struct xfs_dir2_data_unused} runs (freetag 0xffff, length, ..., tag), xfs_da_format.h. A block-form
 * directory ends with its hash leaf entries and {@code struct xfs_dir2_block_tail}.
 */
final class DirectoryDataBlock {
    // xfs_da_format.h
    static final int DATA_MAGIC_V5 = 0x58444433; // XDD3
    static final int DATA_MAGIC_V4 = 0x58443244; // XD2D
    static final int BLOCK_MAGIC_V5 = 0x58444233; // XDB3
    static final int BLOCK_MAGIC_V4 = 0x58443242; // XD2B
    static final int FREE_TAG = 0xffff;
    static final int HEADER_V5 = 64;
    static final int HEADER_V4 = 16;
    /** sizeof(struct xfs_dir2_block_tail). */
    static final int BLOCK_TAIL = 8;

    private DirectoryDataBlock() {
    }

    static int headerSize(XfsSuperblock sb) {
        return sb.isV5() ? HEADER_V5 : HEADER_V4;
    }

    /**
     * End of the entry area: the whole block for a data block; for a block-form directory, the start of its leaf
     * entries (count from the tail).
     */
    static int entriesEnd(DirectoryBlocks.Block b, boolean blockForm, XfsSuperblock sb, long ino)
            throws CorruptFilesystemException {
        byte[] d = b.data();
        if (!blockForm) {
            return d.length;
        }
        long count = BigEndian.getU32(d, d.length - BLOCK_TAIL);
        long end = d.length - BLOCK_TAIL - count * 8;
        if (end < headerSize(sb)) {
            throw new CorruptFilesystemException("XFS block directory (inode " + ino + ")", b.deviceOffset(),
                    count + " leaf entries do not fit the block");
        }
        return (int) end;
    }

    /** Appends the live entries between the header and {@code end} to {@code out}, counting every record. */
    static void entries(DirectoryBlocks.Block b, int end, XfsSuperblock sb, long ino, DirectoryBudget.Directory records,
            List<DirectoryEntry> out) throws CorruptFilesystemException, DirectoryBudgetException {
        byte[] d = b.data();
        String structure = "XFS directory data block " + b.dirBlock() + " (inode " + ino + ")";
        int extra = sb.hasFtype() ? 1 : 0;
        int pos = headerSize(sb);
        while (pos < end) {
            records.record();
            if (pos + 8 > end) {
                throw new CorruptFilesystemException(structure, b.deviceOffset() + pos, "entry runs past the end");
            }
            if (BigEndian.getU16(d, pos) == FREE_TAG) {
                int length = BigEndian.getU16(d, pos + 2);
                if (length < 8 || (length & 7) != 0 || pos + length > end
                        || BigEndian.getU16(d, pos + length - 2) != pos) {
                    throw new CorruptFilesystemException(structure, b.deviceOffset() + pos,
                            "bad unused entry of length " + length);
                }
                pos += length;
                continue;
            }
            long inumber = BigEndian.getLong(d, pos);
            int nameLen = BigEndian.getU8(d, pos + 8);
            int size = (8 + 1 + nameLen + extra + 2 + 7) & ~7;
            if (nameLen == 0 || pos + size > end) {
                throw new CorruptFilesystemException(structure, b.deviceOffset() + pos, "bad name length "
                        + nameLen);
            }
            if (BigEndian.getU16(d, pos + size - 2) != pos) {
                throw new CorruptFilesystemException(structure, b.deviceOffset() + pos, "tag "
                        + BigEndian.getU16(d, pos + size - 2) + " does not point back to the entry");
            }
            out.add(new DirectoryEntry(Arrays.copyOfRange(d, pos + 9, pos + 9 + nameLen), inumber));
            pos += size;
        }
    }

    /** The entry at byte {@code pos} of the block (for hashed lookups), or null if it is not a valid live entry. */
    static DirectoryEntry entryAt(DirectoryBlocks.Block b, int pos, XfsSuperblock sb) {
        byte[] d = b.data();
        if (pos < headerSize(sb) || pos + 12 > d.length || BigEndian.getU16(d, pos) == FREE_TAG) {
            return null;
        }
        int nameLen = BigEndian.getU8(d, pos + 8);
        int size = (8 + 1 + nameLen + (sb.hasFtype() ? 1 : 0) + 2 + 7) & ~7;
        if (nameLen == 0 || pos + size > d.length || BigEndian.getU16(d, pos + size - 2) != pos) {
            return null;
        }
        return new DirectoryEntry(Arrays.copyOfRange(d, pos + 9, pos + 9 + nameLen), BigEndian.getLong(d, pos));
    }
}
