package dev.vmboot.fs.xfs.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import dev.vmboot.api.fs.CorruptFilesystemException;

/**
 * A symlink target: inline in the inode (local format) or in remote blocks. On v5 each remote extent starts with a
 * {@code struct xfs_dsymlink_hdr} ("XSLM", offset, bytes, CRC over the extent, UUID, owner, blkno, lsn;
 * xfs_format.h), as xfs_symlink_remote.c reads it.
 */
final class XfsSymlink {
    /** 'XSLM', xfs_format.h XFS_SYMLINK_MAGIC. */
    static final int MAGIC = 0x58534c4d;
    /** sizeof(struct xfs_dsymlink_hdr). */
    static final int HEADER = 56;
    /** XFS_SYMLINK_CRC_OFF. */
    static final int CRC_OFFSET = 12;
    /** xfs_format.h XFS_SYMLINK_MAXLEN. */
    static final int MAX_LENGTH = 1024;

    private XfsSymlink() {
    }

    static String target(XfsVolume volume, XfsInode link) throws IOException {
        String structure = "XFS symlink (inode " + link.ino() + ")";
        long size = link.size();
        if (size <= 0 || size > MAX_LENGTH) {
            throw new CorruptFilesystemException(structure, link.offset(), "bad target length " + size);
        }
        if (link.format() == XfsInode.FMT_LOCAL) {
            return new String(link.dataFork(), 0, (int) size, StandardCharsets.UTF_8);
        }
        XfsSuperblock sb = volume.superblock();
        ExtentMap map = ExtentMap.of(volume, link);
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) size);
        for (int i = 0; i < map.size() && out.size() < size; i++) {
            if (map.unwritten(i) || map.blockCount(i) > 4) {
                throw new CorruptFilesystemException(structure, link.offset(), "implausible remote extent");
            }
            byte[] b = volume.readBlocks(map.deviceBlock(i), (int) map.blockCount(i));
            long offset = map.deviceBlock(i) << sb.blockLog();
            int start = 0;
            int bytes = (int) Math.min(b.length, size - out.size());
            if (sb.isV5()) {
                bytes = (int) Math.min(b.length - HEADER, size - out.size());
                check(BigEndian.getInt(b, 0) == MAGIC, structure, offset, "bad magic");
                check(MetadataChecksum.verify(b, 0, b.length, CRC_OFFSET), structure, offset, "CRC mismatch");
                check(BigEndian.getU32(b, 4) == out.size(), structure, offset, "offset "
                        + BigEndian.getU32(b, 4) + ", expected " + out.size());
                check(BigEndian.getU32(b, 8) == bytes, structure, offset, "holds " + BigEndian.getU32(b, 8)
                        + " bytes, expected " + bytes);
                check(Arrays.equals(b, 16, 32, sb.metaUuid(), 0, 16), structure, offset, "UUID of another fs");
                check(BigEndian.getLong(b, 32) == link.ino(), structure, offset, "owned by inode "
                        + BigEndian.getLong(b, 32));
                check(BigEndian.getLong(b, 40) == offset >> 9, structure, offset, "records another disk address");
                start = HEADER;
            }
            out.write(b, start, bytes);
        }
        if (out.size() != size) {
            throw new CorruptFilesystemException(structure, link.offset(), "remote blocks hold " + out.size()
                    + " of " + size + " bytes");
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static void check(boolean ok, String structure, long offset, String problem)
            throws CorruptFilesystemException {
        if (!ok) {
            throw new CorruptFilesystemException(structure, offset, problem);
        }
    }
}
