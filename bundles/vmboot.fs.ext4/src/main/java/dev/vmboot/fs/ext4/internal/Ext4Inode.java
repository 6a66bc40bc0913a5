package dev.vmboot.fs.ext4.internal;

import static dev.vmboot.fs.ext4.internal.LittleEndian.s32;
import static dev.vmboot.fs.ext4.internal.LittleEndian.u16;
import static dev.vmboot.fs.ext4.internal.LittleEndian.u32;
import static dev.vmboot.fs.ext4.internal.LittleEndian.u8;

import java.time.Instant;
import java.util.Arrays;

import dev.vmboot.api.fs.CorruptFilesystemException;
import dev.vmboot.api.fs.FileType;

/**
 * An inode (Documentation/filesystems/ext4/inodes.rst, {@code struct ext4_inode}): the 128-byte base and, in larger
 * inodes, the extra fields up to {@code i_extra_isize} (high checksum half, nanosecond times) and the in-inode
 * extended attributes, of which only {@code system.data} (inline data) matters to a reader.
 *
 * @param block      {@code i_block}: 60 bytes of extent tree root, block map, fast symlink or inline data
 * @param inlineTail the value of the {@code system.data} attribute (inline data beyond {@code i_block}), or empty
 * @param csumSeed   crc32c(fs seed, inode number, generation): the seed of this inode's extent and directory
 *                   block checksums (meaningful with metadata_csum)
 */
record Ext4Inode(long number, int mode, long size, Instant modified, int linksCount, long blocks512, int flags,
        long fileAcl, byte[] block, byte[] inlineTail, int csumSeed) {

    /** {@code i_block} is 15 32-bit words. */
    static final int BLOCK_BYTES = 60;
    // i_flags (fs/ext4/ext4.h)
    static final int FL_INDEX = 0x1000;
    static final int FL_ENCRYPT = 0x800;
    static final int FL_HUGE_FILE = 0x40000;
    static final int FL_EXTENTS = 0x80000;
    static final int FL_INLINE_DATA = 0x10000000;
    static final int FL_CASEFOLD = 0x40000000;
    private static final int GOOD_OLD_SIZE = 128;
    private static final int CHECKSUM_LO = 0x7C;
    private static final int EXTRA_ISIZE = 0x80;
    private static final int CHECKSUM_HI = 0x82;
    private static final int MTIME_EXTRA = 0x88;
    /** {@code EXT4_XATTR_MAGIC} of the in-inode attribute header ({@code struct ext4_xattr_ibody_header}). */
    private static final int XATTR_MAGIC = 0xEA020000;
    /** {@code EXT4_XATTR_INDEX_SYSTEM}: the name prefix "system." of {@code system.data}. */
    private static final int XATTR_INDEX_SYSTEM = 7;

    /**
     * Parses inode {@code number} from its {@code raw} on-disk bytes (the superblock's inode size), verifying the
     * checksum when the filesystem has metadata_csum.
     */
    static Ext4Inode parse(byte[] raw, long number, Ext4Superblock sb, long deviceOffset)
            throws CorruptFilesystemException {
        String where = "ext4 inode " + number;
        int extra = 0;
        if (raw.length > GOOD_OLD_SIZE) {
            extra = u16(raw, EXTRA_ISIZE);
            if (extra > raw.length - GOOD_OLD_SIZE || (extra & 3) != 0) {
                throw new CorruptFilesystemException(where, deviceOffset + EXTRA_ISIZE, "extra inode size " + extra
                        + " in a " + raw.length + "-byte inode");
            }
        }
        int generation = s32(raw, 0x64);
        int seed = 0;
        if (sb.metadataCsum()) {
            seed = new Crc32c(sb.checksumSeed()).updateInt((int) number).updateInt(generation).value();
            if (sb.creatorOs() == Ext4Superblock.OS_LINUX) {
                verifyChecksum(raw, seed, extra, where, deviceOffset);
            }
        }
        int mode = u16(raw, 0x0);
        long size = u32(raw, 0x4) | u32(raw, 0x6C) << 32;
        if (size < 0) {
            throw new CorruptFilesystemException(where, deviceOffset + 0x6C, "negative size " + size);
        }
        int flags = s32(raw, 0x20);
        long blocks = u32(raw, 0x1C);
        if (sb.hasRoCompat(Ext4Superblock.RO_COMPAT_HUGE_FILE)) {
            blocks |= (long) u16(raw, 0x74) << 32;
            if ((flags & FL_HUGE_FILE) != 0) {
                blocks *= sb.blockSize() / 512;
            }
        }
        long fileAcl = u32(raw, 0x68) | (long) u16(raw, 0x76) << 32;
        long seconds = s32(raw, 0x10);
        int nanos = 0;
        if (extra >= MTIME_EXTRA + 4 - GOOD_OLD_SIZE) {
            int mtimeExtra = s32(raw, MTIME_EXTRA);
            seconds += (long) (mtimeExtra & 3) << 32;
            nanos = Math.min(mtimeExtra >>> 2, 999_999_999);
        }
        byte[] block = Arrays.copyOfRange(raw, 0x28, 0x28 + BLOCK_BYTES);
        byte[] inlineTail = new byte[0];
        if ((flags & FL_INLINE_DATA) != 0) {
            inlineTail = systemData(raw, GOOD_OLD_SIZE + extra, where, deviceOffset);
        }
        return new Ext4Inode(number, mode, size, Instant.ofEpochSecond(seconds, nanos), u16(raw, 0x1A), blocks, flags,
                fileAcl, block, inlineTail, seed);
    }

    private static void verifyChecksum(byte[] raw, int seed, int extra, String where, long deviceOffset)
            throws CorruptFilesystemException {
        boolean hasHi = raw.length > GOOD_OLD_SIZE && extra >= CHECKSUM_HI + 2 - GOOD_OLD_SIZE;
        byte[] copy = raw.clone();
        copy[CHECKSUM_LO] = 0;
        copy[CHECKSUM_LO + 1] = 0;
        if (hasHi) {
            copy[CHECKSUM_HI] = 0;
            copy[CHECKSUM_HI + 1] = 0;
        }
        int computed = Crc32c.of(seed, copy, 0, copy.length);
        int stored = u16(raw, CHECKSUM_LO) | (hasHi ? u16(raw, CHECKSUM_HI) << 16 : 0);
        if (!hasHi) {
            computed &= 0xFFFF;
        }
        if (stored != computed) {
            throw new CorruptFilesystemException(where, deviceOffset + CHECKSUM_LO, String.format(
                    "checksum mismatch (stored %08x, computed %08x)", stored, computed));
        }
    }

    /**
     * The value of {@code system.data} among the attributes after the extra inode fields
     * (Documentation/filesystems/ext4/attributes.rst: header magic, then {@code struct ext4_xattr_entry}s up to a
     * zero word; value offsets count from the first entry).
     */
    private static byte[] systemData(byte[] raw, int start, String where, long deviceOffset)
            throws CorruptFilesystemException {
        if (start + 4 > raw.length || s32(raw, start) != XATTR_MAGIC) {
            throw new CorruptFilesystemException(where, deviceOffset + start,
                    "inline data inode without in-inode extended attributes");
        }
        int first = start + 4;
        int off = first;
        while (off + 16 <= raw.length && s32(raw, off) != 0) {
            int nameLen = u8(raw, off);
            int index = u8(raw, off + 1);
            int valueOffset = u16(raw, off + 2);
            long valueInode = u32(raw, off + 4);
            long valueSize = u32(raw, off + 8);
            int entryEnd = off + 16 + nameLen;
            if (entryEnd > raw.length) {
                throw new CorruptFilesystemException(where, deviceOffset + off, "extended attribute name past the "
                        + "inode end");
            }
            if (index == XATTR_INDEX_SYSTEM && nameLen == 4 && raw[off + 16] == 'd' && raw[off + 17] == 'a'
                    && raw[off + 18] == 't' && raw[off + 19] == 'a') {
                if (valueInode != 0 || first + valueOffset + valueSize > raw.length) {
                    throw new CorruptFilesystemException(where, deviceOffset + off, "system.data value ("
                            + valueSize + " bytes at " + valueOffset + ") outside the inode");
                }
                return Arrays.copyOfRange(raw, first + valueOffset, (int) (first + valueOffset + valueSize));
            }
            off = (entryEnd + 3) & ~3;
        }
        throw new CorruptFilesystemException(where, deviceOffset + start, "inline data inode has no system.data "
                + "attribute");
    }

    FileType type() {
        return FileType.fromMode(mode);
    }

    boolean hasFlag(int flag) {
        return (flags & flag) != 0;
    }

    /** The inline bytes: {@code i_block} then {@code system.data}, cut to the file size. */
    byte[] inlineData() throws CorruptFilesystemException {
        if (size > BLOCK_BYTES + inlineTail.length) {
            throw new CorruptFilesystemException("ext4 inode " + number, -1, "inline data of " + size
                    + " bytes but only " + (BLOCK_BYTES + inlineTail.length) + " stored");
        }
        byte[] out = new byte[(int) size];
        int head = Math.min(out.length, BLOCK_BYTES);
        System.arraycopy(block, 0, out, 0, head);
        System.arraycopy(inlineTail, 0, out, head, out.length - head);
        return out;
    }
}
