package dev.vmboot.fs.xfs.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import dev.vmboot.api.fs.CorruptFilesystemException;

/**
 * The primary superblock, {@code struct xfs_dsb} in xfs_format.h, with the geometry derived from it.
 *
 * @param blockSize     sb_blocksize, 512..65536
 * @param dataBlocks    sb_dblocks
 * @param uuid          sb_uuid (16 bytes)
 * @param metaUuid      the UUID stamped into v5 metadata: sb_meta_uuid with META_UUID, else sb_uuid
 * @param rootInode     sb_rootino
 * @param agBlocks      sb_agblocks
 * @param agCount       sb_agcount
 * @param version       sb_versionnum &amp; 0xf (4 or 5)
 * @param sectorSize    sb_sectsize
 * @param inodeSize     sb_inodesize
 * @param label         sb_fname up to its first NUL
 * @param blockLog      sb_blocklog
 * @param inodesPerBlockLog sb_inopblog
 * @param agBlockLog    sb_agblklog
 * @param dirBlockLog   sb_dirblklog
 * @param hasFtype      directory entries carry a file type byte
 * @param asciiCaseInsensitive the BORG bit: ASCII case-insensitive names
 * @param incompat      sb_features_incompat (v5)
 */
public record XfsSuperblock(int blockSize, long dataBlocks, byte[] uuid, byte[] metaUuid, long rootInode,
        long agBlocks, long agCount, int version, int sectorSize, int inodeSize, String label, int blockLog,
        int inodesPerBlockLog, int agBlockLog, int dirBlockLog, boolean hasFtype, boolean asciiCaseInsensitive,
        int incompat) {

    /** 'XFSB', xfs_format.h XFS_SB_MAGIC. */
    public static final int MAGIC = 0x58465342;
    /** offsetof(struct xfs_dsb, sb_crc), xfs_format.h XFS_SB_CRC_OFF. */
    static final int CRC_OFFSET = 224;

    // xfs_format.h: sb_versionnum bits
    static final int VERSION_NUMBITS = 0x000f;
    static final int VERSION_DIRV2BIT = 0x2000;
    static final int VERSION_BORGBIT = 0x4000;
    static final int VERSION_MOREBITSBIT = 0x8000;
    // xfs_format.h: sb_features2 bits
    static final int VERSION2_CRCBIT = 0x100;
    static final int VERSION2_FTYPE = 0x200;

    // xfs_format.h: XFS_SB_FEAT_INCOMPAT_*
    static final int INCOMPAT_FTYPE = 1 << 0;
    static final int INCOMPAT_SPINODES = 1 << 1;
    static final int INCOMPAT_META_UUID = 1 << 2;
    static final int INCOMPAT_BIGTIME = 1 << 3;
    static final int INCOMPAT_NEEDSREPAIR = 1 << 4;
    static final int INCOMPAT_NREXT64 = 1 << 5;
    static final int INCOMPAT_EXCHRANGE = 1 << 6;
    static final int INCOMPAT_PARENT = 1 << 7;
    /** Incompatible features this reader understands: none of them changes what it reads. */
    static final int INCOMPAT_KNOWN = INCOMPAT_FTYPE | INCOMPAT_SPINODES | INCOMPAT_META_UUID | INCOMPAT_BIGTIME
            | INCOMPAT_NEEDSREPAIR | INCOMPAT_NREXT64 | INCOMPAT_EXCHRANGE | INCOMPAT_PARENT;

    private static final String STRUCTURE = "XFS superblock";

    /** Whether metadata carries CRCs, owners and self-describing headers (v5). */
    public boolean isV5() {
        return version == 5;
    }

    /** Directory block size in bytes: blocksize &lt;&lt; sb_dirblklog. */
    public int dirBlockSize() {
        return blockSize << dirBlockLog;
    }

    /** Inode size log2. */
    public int inodeLog() {
        return Integer.numberOfTrailingZeros(inodeSize);
    }

    /** Size of the device the superblock describes, in bytes. */
    public long deviceBytes() {
        return dataBlocks << blockLog;
    }

    /** The UUID the way {@code xfs_admin -u} and blkid print it. */
    public String uuidString() {
        return formatUuid(uuid);
    }

    static String formatUuid(byte[] u) {
        StringBuilder sb = new StringBuilder(36);
        for (int i = 0; i < 16; i++) {
            if (i == 4 || i == 6 || i == 8 || i == 10) {
                sb.append('-');
            }
            sb.append(Character.forDigit((u[i] >> 4) & 0xf, 16)).append(Character.forDigit(u[i] & 0xf, 16));
        }
        return sb.toString();
    }

    /** Whether the first bytes look like an XFS superblock (magic and a plausible version); never throws. */
    public static boolean looksLike(ByteBuffer b) {
        if (b.remaining() < CRC_OFFSET + 4) {
            return false;
        }
        ByteBuffer bb = b.duplicate().order(ByteOrder.BIG_ENDIAN);
        int base = bb.position();
        int v = bb.getShort(base + 100) & VERSION_NUMBITS;
        int bs = bb.getInt(base + 4);
        return bb.getInt(base) == MAGIC && (v == 4 || v == 5) && bs >= 512 && bs <= 65536 && Integer.bitCount(bs) == 1;
    }

    /**
     * Parses and validates the superblock sector.
     *
     * @param sector at least {@code sb_sectsize} bytes from byte 0 of the device (or 512 if shorter is all there is)
     */
    public static XfsSuperblock parse(byte[] sector) throws CorruptFilesystemException {
        if (sector.length < 512) {
            throw new CorruptFilesystemException(STRUCTURE, 0, "device too small (" + sector.length + " bytes)");
        }
        ByteBuffer b = ByteBuffer.wrap(sector).order(ByteOrder.BIG_ENDIAN);
        if (b.getInt(0) != MAGIC) {
            throw new CorruptFilesystemException(STRUCTURE, 0, String.format("bad magic 0x%08x", b.getInt(0)));
        }
        int blockSize = b.getInt(4);
        long dblocks = b.getLong(8);
        byte[] uuid = new byte[16];
        b.get(32, uuid);
        long rootIno = b.getLong(56);
        long agBlocks = b.getInt(84) & 0xffffffffL;
        long agCount = b.getInt(88) & 0xffffffffL;
        int versionNum = b.getShort(100) & 0xffff;
        int sectSize = b.getShort(102) & 0xffff;
        int inodeSize = b.getShort(104) & 0xffff;
        int inoPerBlock = b.getShort(106) & 0xffff;
        int nameLen = 0;
        while (nameLen < 12 && sector[108 + nameLen] != 0) {
            nameLen++;
        }
        String label = new String(sector, 108, nameLen, StandardCharsets.UTF_8);
        int blockLog = sector[120] & 0xff;
        int sectLog = sector[121] & 0xff;
        int inodeLog = sector[122] & 0xff;
        int inoPerBlockLog = sector[123] & 0xff;
        int agBlockLog = sector[124] & 0xff;
        int inProgress = sector[126] & 0xff;
        int dirBlockLog = sector[192] & 0xff;
        int features2 = b.getInt(200);
        int version = versionNum & VERSION_NUMBITS;

        if (version != 4 && version != 5) {
            throw new CorruptFilesystemException(STRUCTURE, 100, "unsupported superblock version " + version
                    + " (only v4 and v5 are read)");
        }
        check(blockSize >= 512 && blockSize <= 65536 && Integer.bitCount(blockSize) == 1 && 1 << blockLog == blockSize,
                4, "bad block size " + blockSize + " / log " + blockLog);
        check(sectSize >= 512 && sectSize <= 32768 && Integer.bitCount(sectSize) == 1 && 1 << sectLog == sectSize
                && sectSize <= blockSize, 102, "bad sector size " + sectSize + " / log " + sectLog);
        check(inodeSize >= 256 && inodeSize <= 2048 && Integer.bitCount(inodeSize) == 1 && 1 << inodeLog == inodeSize
                && inodeSize <= blockSize, 104, "bad inode size " + inodeSize + " / log " + inodeLog);
        check(inoPerBlock == blockSize / inodeSize && inoPerBlockLog == blockLog - inodeLog, 106,
                "inodes per block " + inoPerBlock + " / log " + inoPerBlockLog + " disagree with the sizes");
        check(agCount >= 1 && agBlocks >= 1, 84, "no allocation groups (agcount " + agCount + ", agblocks "
                + agBlocks + ")");
        int expectedAgLog = 64 - Long.numberOfLeadingZeros(agBlocks - 1);
        check(agBlockLog == expectedAgLog, 124, "agblklog " + agBlockLog + " does not match agblocks " + agBlocks);
        check(dblocks > 0 && dblocks <= agCount * agBlocks && dblocks > (agCount - 1) * agBlocks, 8,
                "dblocks " + dblocks + " does not fit " + agCount + " AGs of " + agBlocks + " blocks");
        check(blockLog + dirBlockLog <= 16, 192, "directory block size 2^" + (blockLog + dirBlockLog)
                + " exceeds 64 KiB");
        check(agBlockLog <= 31, 124, "agblklog " + agBlockLog + " exceeds 31");
        check(inProgress == 0, 126, "mkfs did not finish (sb_inprogress set)");
        if (sector.length < sectSize) {
            throw new CorruptFilesystemException(STRUCTURE, 0, "device shorter than one sector of " + sectSize);
        }

        boolean ftype;
        int incompat = 0;
        byte[] metaUuid = uuid;
        boolean borg = (versionNum & VERSION_BORGBIT) != 0;
        if (version == 5) {
            int storedCrc = Integer.reverseBytes(b.getInt(CRC_OFFSET));
            int actual = MetadataChecksum.compute(sector, 0, sectSize, CRC_OFFSET);
            if (storedCrc != actual) {
                throw new CorruptFilesystemException(STRUCTURE, CRC_OFFSET, String.format(
                        "CRC mismatch (stored 0x%08x, computed 0x%08x)", storedCrc, actual));
            }
            incompat = b.getInt(216);
            int unknown = incompat & ~INCOMPAT_KNOWN;
            if (unknown != 0) {
                throw new CorruptFilesystemException(STRUCTURE, 216, String.format(
                        "unknown incompatible feature bits 0x%08x: this XFS is newer than the reader understands",
                        unknown));
            }
            if ((incompat & INCOMPAT_NEEDSREPAIR) != 0) {
                throw new CorruptFilesystemException(STRUCTURE, 216,
                        "the filesystem is marked as needing xfs_repair (NEEDSREPAIR)");
            }
            ftype = (incompat & INCOMPAT_FTYPE) != 0;
            if ((incompat & INCOMPAT_META_UUID) != 0) {
                metaUuid = new byte[16];
                b.get(248, metaUuid);
            }
        } else {
            check((versionNum & VERSION_DIRV2BIT) != 0, 100, "version 1 directories are not supported");
            boolean more = (versionNum & VERSION_MOREBITSBIT) != 0;
            check(!more || (features2 & VERSION2_CRCBIT) == 0, 200, "CRC feature bit on a v4 superblock");
            ftype = more && (features2 & VERSION2_FTYPE) != 0;
        }
        check(rootIno > 0, 56, "no root inode");
        return new XfsSuperblock(blockSize, dblocks, uuid, metaUuid, rootIno, agBlocks, agCount, version, sectSize,
                inodeSize, label, blockLog, inoPerBlockLog, agBlockLog, dirBlockLog, ftype, borg, incompat);
    }

    private static void check(boolean ok, long offset, String problem) throws CorruptFilesystemException {
        if (!ok) {
            throw new CorruptFilesystemException(STRUCTURE, offset, problem);
        }
    }

    /**
     * Byte offset of inode {@code ino} on the device: the number splits into AG number, block in the AG and index in
     * the block (xfs_format.h XFS_INO_TO_AGNO/AGBNO/OFFSET).
     */
    public long inodeOffset(long ino) throws CorruptFilesystemException {
        int inoLog = agBlockLog + inodesPerBlockLog;
        long agno = inoLog >= 63 ? 0 : ino >>> inoLog;
        long agbno = (ino >>> inodesPerBlockLog) & ((1L << agBlockLog) - 1);
        long index = ino & ((1L << inodesPerBlockLog) - 1);
        if (ino <= 0 || agno >= agCount || agbno >= agBlocks || agno * agBlocks + agbno >= dataBlocks) {
            throw new CorruptFilesystemException("XFS inode " + Long.toUnsignedString(ino), -1,
                    "inode number outside the filesystem (AG " + agno + ", block " + agbno + ")");
        }
        return ((agno * agBlocks + agbno) << blockLog) + (index << inodeLog());
    }

    /**
     * Device block number (in filesystem blocks) of an AG-encoded filesystem block number with {@code count} blocks
     * following it in the same AG (xfs_format.h XFS_FSB_TO_AGNO/AGBNO).
     */
    public long deviceBlock(long fsb, long count, String structure) throws CorruptFilesystemException {
        long agno = fsb >>> agBlockLog;
        long agbno = fsb & ((1L << agBlockLog) - 1);
        if (agno >= agCount || agbno >= agBlocks || count < 0 || agbno + count > agBlocks
                || agno * agBlocks + agbno + count > dataBlocks) {
            throw new CorruptFilesystemException(structure, -1, "block " + fsb + " (+" + count
                    + ") outside the filesystem (AG " + agno + ", block " + agbno + ")");
        }
        return agno * agBlocks + agbno;
    }

    /** Whether inodes may use 64-bit data fork extent counters (XFS_SB_FEAT_INCOMPAT_NREXT64). */
    public boolean hasNrext64() {
        return (incompat & INCOMPAT_NREXT64) != 0;
    }

    /** Whether inodes may carry big (64-bit nanosecond) timestamps. */
    public boolean hasBigtime() {
        return (incompat & INCOMPAT_BIGTIME) != 0;
    }
}
