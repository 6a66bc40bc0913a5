package dev.vmboot.fs.ext4.internal;

import static dev.vmboot.fs.ext4.internal.LittleEndian.u16;
import static dev.vmboot.fs.ext4.internal.LittleEndian.u32;

import dev.vmboot.api.fs.CorruptFilesystemException;

/**
 * One block group descriptor, reduced to what reading needs: where the group's inode table is and whether it was
 * ever initialised (Documentation/filesystems/ext4/group_descr.rst, {@code struct ext4_group_desc}).
 *
 * @param inodeTable   first block of the inode table ({@code bg_inode_table_lo/hi})
 * @param flags        {@code bg_flags}
 * @param itableUnused {@code bg_itable_unused_lo/hi}: inodes at the end of the table never used
 */
record GroupDescriptor(long group, long inodeTable, int flags, long itableUnused) {
    /** {@code EXT4_BG_INODE_UNINIT}: the inode table was never written. */
    static final int INODE_UNINIT = 0x1;
    /** Offset of {@code bg_checksum} in the descriptor. */
    private static final int CHECKSUM_OFFSET = 0x1E;

    /**
     * Parses the descriptor of group {@code group} at {@code off} in {@code b}, verifies its checksum and that its
     * inode table lies inside the filesystem.
     */
    static GroupDescriptor parse(byte[] b, int off, long group, Ext4Superblock sb, long deviceOffset)
            throws CorruptFilesystemException {
        int size = sb.descriptorSize();
        String where = "ext4 group descriptor " + group;
        if (sb.groupChecksums()) {
            int stored = u16(b, off + CHECKSUM_OFFSET);
            int computed = checksum(b, off, group, sb);
            if (stored != computed) {
                throw new CorruptFilesystemException(where, deviceOffset + CHECKSUM_OFFSET, String.format(
                        "checksum mismatch (stored %04x, computed %04x)", stored, computed));
            }
        }
        boolean wide = size >= 64;
        long inodeTable = u32(b, off + 0x8) | (wide ? u32(b, off + 0x28) << 32 : 0);
        long itableUnused = u16(b, off + 0x1C) | (wide ? (long) u16(b, off + 0x32) << 16 : 0);
        long tableBlocks = (sb.inodesPerGroup() * sb.inodeSize() + sb.blockSize() - 1) / sb.blockSize();
        if (inodeTable <= sb.firstDataBlock() || inodeTable > sb.blocksCount() - tableBlocks) {
            throw new CorruptFilesystemException(where, deviceOffset + 0x8, "inode table at block " + inodeTable
                    + " (" + tableBlocks + " blocks) outside the " + sb.blocksCount() + "-block filesystem");
        }
        if (itableUnused > sb.inodesPerGroup()) {
            throw new CorruptFilesystemException(where, deviceOffset + 0x1C, "unused inode count " + itableUnused
                    + " exceeds " + sb.inodesPerGroup() + " inodes per group");
        }
        return new GroupDescriptor(group, inodeTable, u16(b, off + 0x12), itableUnused);
    }

    /**
     * The descriptor checksum: with metadata_csum the low 16 bits of crc32c(fs seed, group, descriptor with the
     * checksum field as zeros); with gdt_csum crc16(~0, uuid, group, descriptor without the checksum field).
     */
    static int checksum(byte[] b, int off, long group, Ext4Superblock sb) {
        int size = sb.descriptorSize();
        int afterChecksum = CHECKSUM_OFFSET + 2;
        if (sb.metadataCsum()) {
            Crc32c c = new Crc32c(sb.checksumSeed()).updateInt((int) group).update(b, off, CHECKSUM_OFFSET)
                    .updateZeros(2);
            if (size > afterChecksum) {
                c.update(b, off + afterChecksum, size - afterChecksum);
            }
            return c.value() & 0xFFFF;
        }
        int crc = Crc16.update(0xFFFF, sb.uuid(), 0, 16);
        byte[] le = new byte[4];
        LittleEndian.put32(le, 0, (int) group);
        crc = Crc16.update(crc, le, 0, 4);
        crc = Crc16.update(crc, b, off, CHECKSUM_OFFSET);
        if (size > afterChecksum) {
            crc = Crc16.update(crc, b, off + afterChecksum, size - afterChecksum);
        }
        return crc;
    }

    boolean inodeTableUninitialised(Ext4Superblock sb) {
        return sb.groupChecksums() && (flags & INODE_UNINIT) != 0;
    }
}
