package dev.vmboot.fs.ext4.internal;

/**
 * The kernel's {@code crc16()} (lib/crc16.c: CRC-16 with the reflected polynomial 0xA001, no final inversion), which
 * protects group descriptors when the filesystem has {@code uninit_bg} ({@code gdt_csum}) but not
 * {@code metadata_csum} (Documentation/filesystems/ext4/group_descr.rst).
 */
final class Crc16 {
    private static final int[] TABLE = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int c = i;
            for (int k = 0; k < 8; k++) {
                c = (c & 1) != 0 ? (c >>> 1) ^ 0xA001 : c >>> 1;
            }
            TABLE[i] = c;
        }
    }

    private Crc16() {
    }

    static int update(int crc, byte[] b, int off, int len) {
        int c = crc & 0xFFFF;
        for (int i = off; i < off + len; i++) {
            c = (c >>> 8) ^ TABLE[(c ^ b[i]) & 0xFF];
        }
        return c;
    }
}
