package dev.vmboot.fs.ext4.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** The kernel-form CRC-32C built on {@link java.util.zip.CRC32C}. */
class Crc32cTest {
    private static final byte[] CHECK = "123456789".getBytes(StandardCharsets.US_ASCII);

    @Test
    void standardCheckValueWithoutTheFinalInversion() {
        // CRC-32C/iSCSI of "123456789" is 0xE3069283 (initial ~0, final inversion); the kernel form skips the latter.
        assertEquals(~0xE3069283, Crc32c.of(0xFFFF_FFFF, CHECK, 0, CHECK.length));
    }

    @Test
    void anySeedChainsLikeOneLongRun() {
        for (int seed : new int[] {0, 1, 0x12345678, 0x80000000, 0xFFFF_FFFE}) {
            int partial = Crc32c.of(seed, CHECK, 0, 4);
            assertEquals(Crc32c.of(seed, CHECK, 0, CHECK.length), Crc32c.of(partial, CHECK, 4, CHECK.length - 4),
                    "seed " + seed);
        }
    }

    @Test
    void seedZeroOverZeroBytesStaysZero() {
        // With no inversions, a zero register fed zeros stays zero: proves the seed really is the start register.
        assertEquals(0, Crc32c.of(0, new byte[16], 0, 16));
    }

    @Test
    void crc16CheckValue() {
        // CRC-16/ARC of "123456789" is 0xBB3D (initial 0); the descriptors use the same polynomial seeded with ~0.
        assertEquals(0xBB3D, Crc16.update(0, CHECK, 0, CHECK.length));
    }
}
