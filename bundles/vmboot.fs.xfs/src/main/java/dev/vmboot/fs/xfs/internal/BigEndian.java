package dev.vmboot.fs.xfs.internal;

/** Big-endian field access into on-disk byte arrays (XFS stores everything big-endian except CRCs). */
final class BigEndian {
    private BigEndian() {
    }

    static int getU8(byte[] b, int at) {
        return b[at] & 0xff;
    }

    static int getU16(byte[] b, int at) {
        return (b[at] & 0xff) << 8 | (b[at + 1] & 0xff);
    }

    static int getInt(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }

    static long getU32(byte[] b, int at) {
        return getInt(b, at) & 0xffffffffL;
    }

    static long getLong(byte[] b, int at) {
        return (long) getInt(b, at) << 32 | getU32(b, at + 4);
    }
}
