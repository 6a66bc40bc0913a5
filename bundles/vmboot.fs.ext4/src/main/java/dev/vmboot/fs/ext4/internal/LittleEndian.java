package dev.vmboot.fs.ext4.internal;

/** Little-endian field access on byte arrays: every ext2/3/4 on-disk integer is little-endian. */
final class LittleEndian {
    private LittleEndian() {
    }

    static int u8(byte[] b, int off) {
        return b[off] & 0xFF;
    }

    static int u16(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8;
    }

    /** An unsigned 32-bit field as a non-negative long. */
    static long u32(byte[] b, int off) {
        return s32(b, off) & 0xFFFF_FFFFL;
    }

    static int s32(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8 | (b[off + 2] & 0xFF) << 16 | (b[off + 3] & 0xFF) << 24;
    }

    static void put32(byte[] b, int off, int v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
        b[off + 2] = (byte) (v >>> 16);
        b[off + 3] = (byte) (v >>> 24);
    }
}
