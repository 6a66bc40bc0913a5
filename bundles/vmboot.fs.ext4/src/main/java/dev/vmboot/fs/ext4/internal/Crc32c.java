package dev.vmboot.fs.ext4.internal;

import java.util.zip.CRC32C;

/**
 * The CRC-32C (Castagnoli) that ext4 checksums use, in the kernel's form {@code crc32c(seed, data)}: the CRC
 * register starts at {@code seed} and is not inverted at the end (Documentation/filesystems/ext4/checksums.rst).
 * {@link CRC32C} always starts from {@code 0xFFFFFFFF} and inverts its result, so a seed is reached by first feeding
 * the four bytes that drive the register from {@code 0xFFFFFFFF} to the seed, and the result is inverted back.
 */
final class Crc32c {
    /** The reflected Castagnoli polynomial. */
    private static final int POLY = 0x82F63B78;

    private final CRC32C crc = new CRC32C();

    /** Starts a checksum whose register holds {@code seed}. */
    Crc32c(int seed) {
        if (seed != 0xFFFF_FFFF) {
            // Feeding the 32-bit word w from register r leaves Z(r ^ w), Z = 32 zero-bit steps; undo Z on the seed.
            int r = seed;
            for (int i = 0; i < 32; i++) {
                r = (r & 0x8000_0000) != 0 ? ((r ^ POLY) << 1) | 1 : r << 1;
            }
            updateInt(~r);
        }
    }

    Crc32c update(byte[] b, int off, int len) {
        crc.update(b, off, len);
        return this;
    }

    /** Feeds a 32-bit value in little-endian order, as the kernel feeds {@code __le32} inode numbers. */
    Crc32c updateInt(int v) {
        crc.update(v & 0xFF);
        crc.update((v >>> 8) & 0xFF);
        crc.update((v >>> 16) & 0xFF);
        crc.update((v >>> 24) & 0xFF);
        return this;
    }

    Crc32c updateZeros(int count) {
        for (int i = 0; i < count; i++) {
            crc.update(0);
        }
        return this;
    }

    /** The register, as the kernel's {@code crc32c()} returns it. */
    int value() {
        return ~(int) crc.getValue();
    }

    /** {@code crc32c(seed, data)} in one call. */
    static int of(int seed, byte[] b, int off, int len) {
        return new Crc32c(seed).update(b, off, len).value();
    }
}
