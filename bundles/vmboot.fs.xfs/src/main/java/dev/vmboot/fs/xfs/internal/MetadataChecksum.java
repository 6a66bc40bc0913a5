package dev.vmboot.fs.xfs.internal;

import java.util.zip.CRC32C;

/**
 * The CRC32C that v5 XFS metadata carries (xfs_cksum.h: crc32c seeded with ~0 over the buffer with its CRC field
 * taken as zero, inverted, stored little-endian): exactly {@link CRC32C}'s value.
 */
final class MetadataChecksum {
    private static final byte[] ZERO = new byte[4];

    private MetadataChecksum() {
    }

    /** The CRC32C of {@code length} bytes at {@code offset}, with the 4 bytes at {@code offset + crcOffset} zeroed. */
    static int compute(byte[] data, int offset, int length, int crcOffset) {
        CRC32C crc = new CRC32C();
        crc.update(data, offset, crcOffset);
        crc.update(ZERO, 0, 4);
        crc.update(data, offset + crcOffset + 4, length - crcOffset - 4);
        return (int) crc.getValue();
    }

    /** The little-endian CRC stored at {@code offset + crcOffset}. */
    static int stored(byte[] data, int offset, int crcOffset) {
        int p = offset + crcOffset;
        return (data[p] & 0xff) | (data[p + 1] & 0xff) << 8 | (data[p + 2] & 0xff) << 16 | (data[p + 3] & 0xff) << 24;
    }

    /** Whether the stored CRC matches. */
    static boolean verify(byte[] data, int offset, int length, int crcOffset) {
        return stored(data, offset, crcOffset) == compute(data, offset, length, crcOffset);
    }
}
