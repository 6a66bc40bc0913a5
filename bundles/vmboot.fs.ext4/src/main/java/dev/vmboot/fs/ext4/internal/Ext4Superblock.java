package dev.vmboot.fs.ext4.internal;

import static dev.vmboot.fs.ext4.internal.LittleEndian.s32;
import static dev.vmboot.fs.ext4.internal.LittleEndian.u16;
import static dev.vmboot.fs.ext4.internal.LittleEndian.u32;
import static dev.vmboot.fs.ext4.internal.LittleEndian.u8;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import dev.vmboot.api.fs.CorruptFilesystemException;

/**
 * The fields of the ext2/3/4 superblock a reader needs (Documentation/filesystems/ext4/super.rst, fs/ext4/ext4.h:
 * {@code struct ext4_super_block}), validated against each other and against the device size.
 */
record Ext4Superblock(
        long inodesCount,
        long blocksCount,
        long firstDataBlock,
        int blockSize,
        int clusterSize,
        long blocksPerGroup,
        long inodesPerGroup,
        int revLevel,
        int inodeSize,
        int featureCompat,
        int featureIncompat,
        int featureRoCompat,
        byte[] uuid,
        String volumeName,
        int[] hashSeed,
        int defaultHashVersion,
        int descriptorSize,
        long firstMetaBg,
        int flags,
        int state,
        int creatorOs,
        long[] backupGroups,
        int checksumSeed) {

    /** Byte offset of the primary superblock on the device. */
    static final int OFFSET = 1024;
    static final int SIZE = 1024;
    /** {@code s_magic}, at offset 0x38. */
    static final int MAGIC = 0xEF53;

    // s_feature_compat
    static final int COMPAT_HAS_JOURNAL = 0x4;
    static final int COMPAT_DIR_INDEX = 0x20;
    static final int COMPAT_SPARSE_SUPER2 = 0x200;
    // s_feature_incompat
    static final int INCOMPAT_COMPRESSION = 0x1;
    static final int INCOMPAT_FILETYPE = 0x2;
    static final int INCOMPAT_RECOVER = 0x4;
    static final int INCOMPAT_JOURNAL_DEV = 0x8;
    static final int INCOMPAT_META_BG = 0x10;
    static final int INCOMPAT_EXTENTS = 0x40;
    static final int INCOMPAT_64BIT = 0x80;
    static final int INCOMPAT_MMP = 0x100;
    static final int INCOMPAT_FLEX_BG = 0x200;
    static final int INCOMPAT_EA_INODE = 0x400;
    static final int INCOMPAT_DIRDATA = 0x1000;
    static final int INCOMPAT_CSUM_SEED = 0x2000;
    static final int INCOMPAT_LARGEDIR = 0x4000;
    static final int INCOMPAT_INLINE_DATA = 0x8000;
    static final int INCOMPAT_ENCRYPT = 0x10000;
    static final int INCOMPAT_CASEFOLD = 0x20000;
    /** What this reader can read. Encrypted and casefolded inodes are handled (refused or scanned) one by one. */
    static final int INCOMPAT_SUPPORTED = INCOMPAT_FILETYPE | INCOMPAT_RECOVER | INCOMPAT_META_BG | INCOMPAT_EXTENTS
            | INCOMPAT_64BIT | INCOMPAT_MMP | INCOMPAT_FLEX_BG | INCOMPAT_EA_INODE | INCOMPAT_CSUM_SEED
            | INCOMPAT_LARGEDIR | INCOMPAT_INLINE_DATA | INCOMPAT_ENCRYPT | INCOMPAT_CASEFOLD;
    // s_feature_ro_compat (a read-only reader may ignore the ones it does not know)
    static final int RO_COMPAT_SPARSE_SUPER = 0x1;
    static final int RO_COMPAT_LARGE_FILE = 0x2;
    static final int RO_COMPAT_HUGE_FILE = 0x8;
    static final int RO_COMPAT_GDT_CSUM = 0x10;
    static final int RO_COMPAT_DIR_NLINK = 0x20;
    static final int RO_COMPAT_EXTRA_ISIZE = 0x40;
    static final int RO_COMPAT_BIGALLOC = 0x200;
    static final int RO_COMPAT_METADATA_CSUM = 0x400;
    // s_flags
    static final int FLAG_UNSIGNED_HASH = 0x2;
    /** {@code s_checksum_type}: the only algorithm defined. */
    static final int CHECKSUM_TYPE_CRC32C = 1;
    /** {@code s_checksum} sits in the last four bytes. */
    static final int CHECKSUM_OFFSET = 0x3FC;
    /** {@code EXT4_OS_LINUX}: inode checksums are only defined for Linux-created filesystems. */
    static final int OS_LINUX = 0;

    /** Cheap recognition: the magic and a sane block size, nothing that could throw. */
    static boolean looksLike(byte[] sb) {
        return sb.length >= SIZE && u16(sb, 0x38) == MAGIC && u32(sb, 0x18) <= 6;
    }

    /**
     * Parses and checks the 1024-byte superblock read at {@link #OFFSET}.
     *
     * @param deviceSize the device's size in bytes: a filesystem larger than its device is truncated
     */
    static Ext4Superblock parse(byte[] b, long deviceSize) throws CorruptFilesystemException {
        String where = "ext4 superblock";
        if (b.length < SIZE || u16(b, 0x38) != MAGIC) {
            throw new CorruptFilesystemException(where, OFFSET + 0x38, "no ext2/3/4 magic 0xEF53");
        }
        int incompat = s32(b, 0x60);
        int roCompat = s32(b, 0x64);
        if ((roCompat & RO_COMPAT_METADATA_CSUM) != 0) {
            if (u8(b, 0x175) != CHECKSUM_TYPE_CRC32C) {
                throw new CorruptFilesystemException(where, OFFSET + 0x175,
                        "unknown metadata checksum type " + u8(b, 0x175));
            }
            int stored = s32(b, CHECKSUM_OFFSET);
            int computed = Crc32c.of(0xFFFF_FFFF, b, 0, CHECKSUM_OFFSET);
            if (stored != computed) {
                throw new CorruptFilesystemException(where, OFFSET + CHECKSUM_OFFSET, String.format(
                        "checksum mismatch (stored %08x, computed %08x)", stored, computed));
            }
        }
        long logBlock = u32(b, 0x18);
        if (logBlock > 6) {
            throw new CorruptFilesystemException(where, OFFSET + 0x18, "block size 1024 << " + logBlock
                    + " is over 64 KiB");
        }
        int blockSize = 1024 << logBlock;
        long logCluster = u32(b, 0x1C);
        boolean bigalloc = (roCompat & RO_COMPAT_BIGALLOC) != 0;
        if (bigalloc && (logCluster < logBlock || logCluster > logBlock + 16)) {
            throw new CorruptFilesystemException(where, OFFSET + 0x1C, "cluster size 1024 << " + logCluster
                    + " with block size " + blockSize);
        }
        int clusterSize = bigalloc ? 1024 << logCluster : blockSize;
        if ((incompat & ~INCOMPAT_SUPPORTED) != 0) {
            throw new CorruptFilesystemException(where, OFFSET + 0x60, "unsupported incompatible features "
                    + incompatNames(incompat & ~INCOMPAT_SUPPORTED) + " (this reader knows "
                    + incompatNames(INCOMPAT_SUPPORTED) + ")");
        }
        boolean is64 = (incompat & INCOMPAT_64BIT) != 0;
        long blocksCount = u32(b, 0x4) | (is64 ? u32(b, 0x150) << 32 : 0);
        long firstDataBlock = u32(b, 0x14);
        if (firstDataBlock != (blockSize == 1024 ? 1 : 0)) {
            throw new CorruptFilesystemException(where, OFFSET + 0x14, "first data block " + firstDataBlock
                    + " with block size " + blockSize);
        }
        if (blocksCount <= firstDataBlock || blocksCount > (1L << 48)) {
            throw new CorruptFilesystemException(where, OFFSET + 0x4, "block count " + blocksCount);
        }
        if (blocksCount > deviceSize / blockSize) {
            throw new CorruptFilesystemException(where, OFFSET + 0x4, "the filesystem has " + blocksCount
                    + " blocks of " + blockSize + " bytes but the device only " + deviceSize
                    + " bytes (truncated image?)");
        }
        long blocksPerGroup = u32(b, 0x20);
        long maxPerGroup = 8L * blockSize * (clusterSize / blockSize);
        if (blocksPerGroup < 8 || blocksPerGroup > maxPerGroup) {
            throw new CorruptFilesystemException(where, OFFSET + 0x20, "blocks per group " + blocksPerGroup);
        }
        long inodesPerGroup = u32(b, 0x28);
        if (inodesPerGroup < 1 || inodesPerGroup > 8L * blockSize) {
            throw new CorruptFilesystemException(where, OFFSET + 0x28, "inodes per group " + inodesPerGroup);
        }
        int revLevel = s32(b, 0x4C);
        int inodeSize = revLevel == 0 ? 128 : u16(b, 0x58);
        if (inodeSize < 128 || inodeSize > blockSize || Integer.bitCount(inodeSize) != 1) {
            throw new CorruptFilesystemException(where, OFFSET + 0x58, "inode size " + inodeSize);
        }
        long groups = (blocksCount - firstDataBlock + blocksPerGroup - 1) / blocksPerGroup;
        long inodesCount = u32(b, 0x0);
        if (inodesCount < 11 || inodesCount > groups * inodesPerGroup) {
            throw new CorruptFilesystemException(where, OFFSET, "inode count " + inodesCount + " for " + groups
                    + " groups of " + inodesPerGroup);
        }
        int descriptorSize = 32;
        if (is64) {
            descriptorSize = u16(b, 0xFE);
            if (descriptorSize < 64 || descriptorSize > 1024 || Integer.bitCount(descriptorSize) != 1) {
                throw new CorruptFilesystemException(where, OFFSET + 0xFE, "group descriptor size "
                        + descriptorSize + " with the 64bit feature");
            }
        }
        int[] hashSeed = {s32(b, 0xEC), s32(b, 0xF0), s32(b, 0xF4), s32(b, 0xF8)};
        byte[] uuid = java.util.Arrays.copyOfRange(b, 0x68, 0x78);
        int checksumSeed = (incompat & INCOMPAT_CSUM_SEED) != 0 ? s32(b, 0x270) : Crc32c.of(0xFFFF_FFFF, uuid, 0, 16);
        return new Ext4Superblock(inodesCount, blocksCount, firstDataBlock, blockSize, clusterSize, blocksPerGroup,
                inodesPerGroup, revLevel, inodeSize, s32(b, 0x5C), incompat, roCompat, uuid,
                cString(b, 0x78, 16), hashSeed, u8(b, 0xFC), descriptorSize, u32(b, 0x104), s32(b, 0x160),
                u16(b, 0x3A), s32(b, 0x48), new long[] {u32(b, 0x24C), u32(b, 0x250)}, checksumSeed);
    }

    private static String cString(byte[] b, int off, int max) {
        int n = 0;
        while (n < max && b[off + n] != 0) {
            n++;
        }
        return new String(b, off, n, StandardCharsets.UTF_8);
    }

    private static List<String> incompatNames(int bits) {
        String[] names = {"compression", "filetype", "needs_recovery", "journal_dev", "meta_bg", "0x20", "extent",
            "64bit", "mmp", "flex_bg", "ea_inode", "0x800", "dirdata", "metadata_csum_seed", "large_dir",
            "inline_data", "encrypt", "casefold"};
        List<String> out = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            if ((bits & (1 << i)) != 0) {
                out.add(i < names.length ? names[i] : String.format("0x%x", 1 << i));
            }
        }
        return out;
    }

    long groupCount() {
        return (blocksCount - firstDataBlock + blocksPerGroup - 1) / blocksPerGroup;
    }

    boolean hasIncompat(int feature) {
        return (featureIncompat & feature) != 0;
    }

    boolean hasRoCompat(int feature) {
        return (featureRoCompat & feature) != 0;
    }

    boolean hasCompat(int feature) {
        return (featureCompat & feature) != 0;
    }

    boolean metadataCsum() {
        return hasRoCompat(RO_COMPAT_METADATA_CSUM);
    }

    /** Group descriptors carry a checksum (crc32c with metadata_csum, else crc16 with gdt_csum). */
    boolean groupChecksums() {
        return metadataCsum() || hasRoCompat(RO_COMPAT_GDT_CSUM);
    }

    /** Whether group {@code g} holds a superblock backup (and so, without meta_bg, a descriptor table copy). */
    boolean hasSuperblockBackup(long g) {
        if (g == 0) {
            return true;
        }
        if (hasCompat(COMPAT_SPARSE_SUPER2)) {
            return g == backupGroups[0] || g == backupGroups[1];
        }
        if (g == 1 || !hasRoCompat(RO_COMPAT_SPARSE_SUPER)) {
            return true;
        }
        if ((g & 1) == 0) {
            return false;
        }
        return isPower(g, 3) || isPower(g, 5) || isPower(g, 7);
    }

    private static boolean isPower(long g, int base) {
        long p = base;
        while (p < g) {
            p *= base;
        }
        return p == g;
    }

    /** ext2, ext3 or ext4, as blkid would name it from the features. */
    String flavour() {
        int ext4Incompat = INCOMPAT_EXTENTS | INCOMPAT_64BIT | INCOMPAT_FLEX_BG | INCOMPAT_INLINE_DATA
                | INCOMPAT_MMP | INCOMPAT_EA_INODE | INCOMPAT_CSUM_SEED | INCOMPAT_LARGEDIR | INCOMPAT_CASEFOLD
                | INCOMPAT_ENCRYPT;
        int ext4RoCompat = RO_COMPAT_HUGE_FILE | RO_COMPAT_GDT_CSUM | RO_COMPAT_DIR_NLINK | RO_COMPAT_EXTRA_ISIZE
                | RO_COMPAT_BIGALLOC | RO_COMPAT_METADATA_CSUM;
        if ((featureIncompat & ext4Incompat) != 0 || (featureRoCompat & ext4RoCompat) != 0) {
            return "ext4";
        }
        return hasCompat(COMPAT_HAS_JOURNAL) ? "ext3" : "ext2";
    }

    /** The UUID as blkid prints it: lower-case 8-4-4-4-12 hex. */
    String uuidString() {
        StringBuilder sb = new StringBuilder(36);
        for (int i = 0; i < 16; i++) {
            if (i == 4 || i == 6 || i == 8 || i == 10) {
                sb.append('-');
            }
            sb.append(String.format("%02x", uuid[i] & 0xFF));
        }
        return sb.toString();
    }
}
