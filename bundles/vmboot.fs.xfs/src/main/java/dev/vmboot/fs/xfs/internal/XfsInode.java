package dev.vmboot.fs.xfs.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.Arrays;

import dev.vmboot.api.fs.CorruptFilesystemException;
import dev.vmboot.api.fs.FileType;

/**
 * An on-disk inode, {@code struct xfs_dinode} (xfs_format.h), reduced to what a reader needs: the core fields and a
 * copy of the data fork.
 *
 * @param ino         inode number
 * @param mode        di_mode
 * @param format      di_format, the data fork format (FMT_*)
 * @param size        di_size
 * @param dataExtents number of data fork extents (di_nextents, or di_big_nextents with NREXT64)
 * @param flags       di_flags
 * @param modified    di_mtime
 * @param dataFork    the data fork bytes (local data, extent records or the bmbt root)
 * @param offset      byte offset of the inode on the device
 */
public record XfsInode(long ino, int mode, int format, long size, long dataExtents, int flags, Instant modified,
        byte[] dataFork, long offset) {

    /** 'IN', xfs_format.h XFS_DINODE_MAGIC. */
    static final int MAGIC = 0x494e;
    // xfs_format.h: enum xfs_dinode_fmt
    public static final int FMT_DEV = 0;
    public static final int FMT_LOCAL = 1;
    public static final int FMT_EXTENTS = 2;
    public static final int FMT_BTREE = 3;
    /** Sizes of the v1/v2 and v3 inode cores (xfs_format.h xfs_dinode_size). */
    static final int CORE_V2 = 100;
    static final int CORE_V3 = 176;
    /** offsetof(struct xfs_dinode, di_crc), XFS_DINODE_CRC_OFF. */
    static final int CRC_OFFSET = 100;
    /** di_flags XFS_DIFLAG_REALTIME: data on the realtime device. */
    static final int DIFLAG_REALTIME = 0x1;
    // xfs_format.h: XFS_DIFLAG2_BIGTIME, XFS_DIFLAG2_NREXT64
    static final long DIFLAG2_BIGTIME = 1L << 3;
    static final long DIFLAG2_NREXT64 = 1L << 4;
    /** xfs_format.h XFS_BIGTIME_EPOCH_OFFSET: bigtime counts from 2^31 seconds before the Unix epoch. */
    static final long BIGTIME_EPOCH_OFFSET = 1L << 31;

    public FileType type() {
        return FileType.fromMode(mode);
    }

    public boolean isRealtime() {
        return (flags & DIFLAG_REALTIME) != 0;
    }

    /**
     * Parses and verifies the inode in {@code raw} (one inode's bytes).
     */
    public static XfsInode parse(byte[] raw, long ino, long offset, XfsSuperblock sb)
            throws CorruptFilesystemException {
        String structure = "XFS inode " + ino;
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.BIG_ENDIAN);
        if ((b.getShort(0) & 0xffff) != MAGIC) {
            throw new CorruptFilesystemException(structure, offset, String.format("bad magic 0x%04x",
                    b.getShort(0) & 0xffff));
        }
        int version = raw[4] & 0xff;
        if (sb.isV5() ? version != 3 : version != 1 && version != 2) {
            throw new CorruptFilesystemException(structure, offset + 4, "inode version " + version
                    + " on a v" + sb.version() + " filesystem");
        }
        long flags2 = 0;
        if (version == 3) {
            if (!MetadataChecksum.verify(raw, 0, raw.length, CRC_OFFSET)) {
                throw new CorruptFilesystemException(structure, offset + CRC_OFFSET, "CRC mismatch");
            }
            long storedIno = b.getLong(152);
            if (storedIno != ino) {
                throw new CorruptFilesystemException(structure, offset + 152, "records inode number "
                        + Long.toUnsignedString(storedIno));
            }
            if (!Arrays.equals(raw, 160, 176, sb.metaUuid(), 0, 16)) {
                throw new CorruptFilesystemException(structure, offset + 160, "belongs to another filesystem (UUID)");
            }
            flags2 = b.getLong(120);
        }
        int mode = b.getShort(2) & 0xffff;
        int format = raw[5] & 0xff;
        long size = b.getLong(56);
        int flags = b.getShort(90) & 0xffff;
        int forkOff = raw[82] & 0xff;
        int core = version == 3 ? CORE_V3 : CORE_V2;
        int literal = raw.length - core;
        int dataForkSize = forkOff == 0 ? literal : forkOff << 3;
        if (dataForkSize > literal) {
            throw new CorruptFilesystemException(structure, offset + 82, "attribute fork offset " + forkOff
                    + " beyond the inode");
        }
        long extents = (flags2 & DIFLAG2_NREXT64) != 0 ? b.getLong(24) : b.getInt(76) & 0xffffffffL;
        if (size < 0) {
            throw new CorruptFilesystemException(structure, offset + 56, "negative size " + size);
        }
        FileType type = FileType.fromMode(mode);
        boolean formatOk;
        switch (type) {
            case DIRECTORY:
            case SYMLINK:
                formatOk = format == FMT_LOCAL || format == FMT_EXTENTS || format == FMT_BTREE;
                break;
            case REGULAR:
                formatOk = format == FMT_EXTENTS || format == FMT_BTREE;
                break;
            case CHAR_DEVICE:
            case BLOCK_DEVICE:
            case FIFO:
            case SOCKET:
                formatOk = format == FMT_DEV;
                break;
            default:
                throw new CorruptFilesystemException(structure, offset + 2, String.format(
                        "mode 0%o is not a file type (a free inode?)", mode));
        }
        if (!formatOk) {
            throw new CorruptFilesystemException(structure, offset + 5, "data fork format " + format
                    + " is impossible for a " + type);
        }
        if (format == FMT_EXTENTS && extents > dataForkSize / 16) {
            throw new CorruptFilesystemException(structure, offset + 76, extents + " extents do not fit a "
                    + dataForkSize + "-byte data fork");
        }
        if (format == FMT_LOCAL && size > dataForkSize) {
            throw new CorruptFilesystemException(structure, offset + 56, "local data of " + size
                    + " bytes does not fit a " + dataForkSize + "-byte data fork");
        }
        Instant mtime = timestamp(b, 40, version == 3 && (flags2 & DIFLAG2_BIGTIME) != 0);
        byte[] fork = Arrays.copyOfRange(raw, core, core + dataForkSize);
        return new XfsInode(ino, mode, format, size, extents, flags, mtime, fork, offset + core);
    }

    /** Decodes an xfs_timestamp_t: seconds and nanoseconds, or bigtime nanoseconds since 1901-12-13. */
    static Instant timestamp(ByteBuffer b, int at, boolean bigtime) {
        if (bigtime) {
            long ns = b.getLong(at);
            long seconds = Long.divideUnsigned(ns, 1_000_000_000L) - BIGTIME_EPOCH_OFFSET;
            long nanos = Long.remainderUnsigned(ns, 1_000_000_000L);
            return Instant.ofEpochSecond(seconds, nanos);
        }
        long seconds = b.getInt(at);
        long nanos = b.getInt(at + 4) & 0xffffffffL;
        return Instant.ofEpochSecond(seconds, Math.min(nanos, 999_999_999L));
    }
}
