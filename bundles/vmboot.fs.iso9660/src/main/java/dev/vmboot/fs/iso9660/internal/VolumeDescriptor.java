package dev.vmboot.fs.iso9660.internal;

import java.util.Arrays;

import dev.vmboot.api.fs.CorruptFilesystemException;

/**
 * A primary (ECMA-119 8.4) or supplementary (8.5) volume descriptor: the two share one layout.
 *
 * @param type        8.1.1 volume descriptor type
 * @param offset      device byte offset of the descriptor
 * @param volumeId    8.4.6 volume identifier, 32 bytes as recorded (UCS-2 in a Joliet descriptor)
 * @param escapes     8.5.6 escape sequences, 32 bytes (zero in a primary descriptor)
 * @param spaceBlocks 8.4.8 volume space size in logical blocks
 * @param root        8.4.18 the root directory record
 * @param created     8.4.26 volume creation date and time, 17 bytes as recorded
 * @param modified    8.4.27 volume modification date and time, 17 bytes as recorded
 */
record VolumeDescriptor(int type, long offset, byte[] volumeId, byte[] escapes, long spaceBlocks,
        DirectoryRecord root, byte[] created, byte[] modified) {

    /** 8.1.1 volume descriptor types. */
    static final int TYPE_BOOT_RECORD = 0;
    static final int TYPE_PRIMARY = 1;
    static final int TYPE_SUPPLEMENTARY = 2;
    static final int TYPE_TERMINATOR = 255;
    /** 8.4.18: the root directory record is exactly 34 bytes. */
    private static final int ROOT_RECORD_LENGTH = 34;

    /**
     * Parses a primary or supplementary descriptor.
     *
     * @param sector the 2048-byte descriptor
     * @param offset its device byte offset
     */
    static VolumeDescriptor parse(byte[] sector, long offset) throws CorruptFilesystemException {
        int type = IsoNumbers.u8(sector, 0);
        String structure = (type == TYPE_PRIMARY ? "ISO9660 primary" : "ISO9660 supplementary")
                + " volume descriptor";
        long spaceBlocks = IsoNumbers.both32(sector, 80, "volume space size", structure, offset);
        IsoNumbers.both16(sector, 120, "volume set size", structure, offset);
        IsoNumbers.both16(sector, 124, "volume sequence number", structure, offset);
        int blockSize = IsoNumbers.both16(sector, 128, "logical block size", structure, offset);
        IsoNumbers.both32(sector, 132, "path table size", structure, offset);
        if (blockSize != IsoVolume.BLOCK_SIZE) {
            // 6.2.2 allows 512 and 1024 too; no mastering tool in use writes them.
            throw new CorruptFilesystemException(structure, offset, "logical block size " + blockSize
                    + " is not supported (only " + IsoVolume.BLOCK_SIZE + ")");
        }
        if (IsoNumbers.u8(sector, 156) != ROOT_RECORD_LENGTH) {
            throw new CorruptFilesystemException(structure, offset, "root directory record of length "
                    + IsoNumbers.u8(sector, 156) + ", not " + ROOT_RECORD_LENGTH);
        }
        DirectoryRecord root = DirectoryRecord.parse(sector, 156, offset + 156);
        if (!root.isSelf() || !root.isDirectory()) {
            throw new CorruptFilesystemException(structure, offset,
                    "the root directory record is not a directory record named 0x00");
        }
        if (spaceBlocks == 0) {
            throw new CorruptFilesystemException(structure, offset, "volume space size is 0");
        }
        return new VolumeDescriptor(type, offset, Arrays.copyOfRange(sector, 40, 72),
                Arrays.copyOfRange(sector, 88, 120), spaceBlocks, root, Arrays.copyOfRange(sector, 813, 830),
                Arrays.copyOfRange(sector, 830, 847));
    }

    /**
     * The Joliet level (1 to 3) announced by the escape sequences {@code %/@}, {@code %/C}, {@code %/E} (Joliet
     * specification, 1995: UCS-2 levels 1, 2, 3), or 0 if this is not a Joliet descriptor.
     */
    int jolietLevel() {
        if (type != TYPE_SUPPLEMENTARY || escapes[0] != '%' || escapes[1] != '/') {
            return 0;
        }
        switch (escapes[2]) {
            case '@': return 1;
            case 'C': return 2;
            case 'E': return 3;
            default: return 0;
        }
    }
}
