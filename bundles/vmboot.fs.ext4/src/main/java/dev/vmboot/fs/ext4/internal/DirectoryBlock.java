package dev.vmboot.fs.ext4.internal;

import static dev.vmboot.fs.ext4.internal.LittleEndian.s32;
import static dev.vmboot.fs.ext4.internal.LittleEndian.u16;
import static dev.vmboot.fs.ext4.internal.LittleEndian.u32;
import static dev.vmboot.fs.ext4.internal.LittleEndian.u8;

import java.util.Arrays;

import dev.vmboot.api.fs.CorruptFilesystemException;
import dev.vmboot.api.fs.DirectoryBudget;
import dev.vmboot.api.fs.DirectoryBudgetException;

/**
 * Linear directory entries (Documentation/filesystems/ext4/directory.rst): a chain of {@code ext4_dir_entry_2}
 * records, each {@code rec_len} long, checked as the kernel's {@code __ext4_check_dir_entry} does; the metadata_csum
 * tail of a leaf block; and the htree index blocks that hide in the same file as empty-looking blocks.
 */
final class DirectoryBlock {
    /** {@code struct ext4_dir_entry_tail}: 12 bytes, inode 0, rec_len 12, name_len 0, file_type 0xDE, checksum. */
    static final int TAIL_SIZE = 12;
    private static final int TAIL_FILE_TYPE = 0xDE;
    /** The smallest entry: 8 header bytes and a name padded to 4. */
    private static final int MIN_REC_LEN = 12;
    /** {@code struct dx_root}: the fake '.' and '..' entries, then {@code dx_root_info} at 0x18. */
    static final int DX_ROOT_INFO = 0x18;
    /** {@code struct dx_node}: a fake empty entry spanning the block, then the limit/count at 8. */
    static final int DX_NODE_ENTRIES = 8;
    /** {@code struct dx_tail}: reserved word then checksum, after {@code limit} index entries. */
    static final int DX_TAIL_SIZE = 8;

    /** Receives entries; returns true to stop the scan. */
    interface Sink {
        boolean accept(DirectoryEntry entry);
    }

    private DirectoryBlock() {
    }

    /** {@code ext4_rec_len_from_disk}: 64 KiB blocks fold the high bits of rec_len into the low two. */
    static int recLen(byte[] b, int off, int blockSize) {
        int len = u16(b, off + 4);
        if (blockSize < 65536) {
            return len;
        }
        if (len == 65535 || len == 0) {
            return 65536;
        }
        return (len & 65532) | ((len & 3) << 16);
    }

    /** Whether the block ends in a checksum tail. */
    static boolean hasTail(byte[] b) {
        int t = b.length - TAIL_SIZE;
        return s32(b, t) == 0 && u16(b, t + 4) == TAIL_SIZE && u8(b, t + 6) == 0 && u8(b, t + 7) == TAIL_FILE_TYPE;
    }

    /** Verifies a leaf block's tail checksum: crc32c(inode seed, block up to the tail). */
    static void verifyLeaf(byte[] b, Ext4Inode dir, String where, long offset) throws CorruptFilesystemException {
        int t = b.length - TAIL_SIZE;
        int computed = Crc32c.of(dir.csumSeed(), b, 0, t);
        int stored = s32(b, t + 8);
        if (computed != stored) {
            throw new CorruptFilesystemException(where, offset + t + 8, String.format(
                    "directory block checksum mismatch (stored %08x, computed %08x)", stored, computed));
        }
    }

    /** Whether a block is an interior htree node: one empty entry spanning the whole block. */
    static boolean isDxNode(byte[] b, int blockSize) {
        return s32(b, 0) == 0 && recLen(b, 0, blockSize) == blockSize && u8(b, 6) == 0;
    }

    /**
     * Checks an htree root or node block's limit and count, and with metadata_csum its {@code dx_tail}: crc32c over
     * the block up to the last used index entry, then the tail with its checksum as zeros. Returns the count.
     */
    static int checkDx(byte[] b, int countOffset, Ext4Inode dir, boolean csum, String where, long offset)
            throws CorruptFilesystemException {
        int limit = u16(b, countOffset);
        int count = u16(b, countOffset + 2);
        int expectedLimit = (b.length - countOffset - (csum ? DX_TAIL_SIZE : 0)) / 8;
        if (limit != expectedLimit || count == 0 || count > limit) {
            throw new CorruptFilesystemException(where, offset + countOffset, "htree index limit " + limit
                    + " (expected " + expectedLimit + "), count " + count);
        }
        if (csum) {
            int tail = countOffset + limit * 8;
            int computed = new Crc32c(dir.csumSeed()).update(b, 0, countOffset + count * 8).update(b, tail, 4)
                    .updateZeros(4).value();
            int stored = s32(b, tail + 4);
            if (computed != stored) {
                throw new CorruptFilesystemException(where, offset + tail + 4, String.format(
                        "htree index checksum mismatch (stored %08x, computed %08x)", stored, computed));
            }
        }
        return count;
    }

    /**
     * Parses entries in {@code b[from, to)}; stops early when the sink says so. Deleted entries (inode 0) are
     * skipped; '.' and '..' are passed on. Every record, deleted or not, is counted in {@code records}.
     *
     * @return true if the sink stopped the scan
     */
    static boolean parse(byte[] b, int from, int to, int blockSize, Ext4Superblock sb, String where, long offset,
            DirectoryBudget.Directory records, Sink sink) throws CorruptFilesystemException, DirectoryBudgetException {
        boolean fileType = sb.hasIncompat(Ext4Superblock.INCOMPAT_FILETYPE);
        int off = from;
        while (off < to) {
            records.record();
            if (to - off < MIN_REC_LEN) {
                throw new CorruptFilesystemException(where, offset + off, "directory entry header runs past the "
                        + "end of its block");
            }
            long inode = u32(b, off);
            int recLen = recLen(b, off, blockSize);
            int nameLen = fileType ? u8(b, off + 6) : u16(b, off + 6);
            if (recLen < MIN_REC_LEN || (recLen & 3) != 0 || recLen < ((8 + nameLen + 3) & ~3)
                    || recLen > to - off) {
                throw new CorruptFilesystemException(where, offset + off, "directory entry rec_len " + recLen
                        + " with name_len " + nameLen + " and " + (to - off) + " bytes left");
            }
            if (inode > sb.inodesCount()) {
                throw new CorruptFilesystemException(where, offset + off, "directory entry names inode " + inode
                        + " beyond " + sb.inodesCount());
            }
            if (inode != 0 && nameLen > 0) {
                byte[] name = Arrays.copyOfRange(b, off + 8, off + 8 + nameLen);
                if (sink.accept(new DirectoryEntry(inode, name, fileType ? u8(b, off + 7) : 0))) {
                    return true;
                }
            }
            off += recLen;
        }
        return false;
    }
}
