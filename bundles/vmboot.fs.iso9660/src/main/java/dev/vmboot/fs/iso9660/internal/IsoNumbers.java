package dev.vmboot.fs.iso9660.internal;

import dev.vmboot.api.fs.CorruptFilesystemException;

/**
 * ECMA-119 7.1–7.3 numerical values: 8-bit (7.1.1), 16-bit (7.2.1 little-, 7.2.2 big-, 7.2.3 both-byte order) and
 * 32-bit (7.3.1, 7.3.2, 7.3.3) fields. A both-byte-order field whose two copies disagree is corrupt: one of them was
 * damaged, and there is no telling which.
 */
final class IsoNumbers {

    private IsoNumbers() {
    }

    static int u8(byte[] b, int at) {
        return b[at] & 0xff;
    }

    static int u16le(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8;
    }

    static int u16be(byte[] b, int at) {
        return (b[at] & 0xff) << 8 | (b[at + 1] & 0xff);
    }

    static long u32le(byte[] b, int at) {
        return (u16le(b, at) | (long) u16le(b, at + 2) << 16) & 0xffff_ffffL;
    }

    static long u32be(byte[] b, int at) {
        return ((long) u16be(b, at) << 16 | u16be(b, at + 2)) & 0xffff_ffffL;
    }

    /**
     * A 16-bit both-byte-order field (7.2.3: little-endian copy, then big-endian copy).
     *
     * @param structure names the structure holding the field, for the error
     * @param offset    device byte offset of the structure
     */
    static int both16(byte[] b, int at, String field, String structure, long offset)
            throws CorruptFilesystemException {
        int le = u16le(b, at);
        int be = u16be(b, at + 2);
        if (le != be) {
            throw new CorruptFilesystemException(structure, offset, field + ": little-endian copy " + le
                    + " and big-endian copy " + be + " disagree");
        }
        return le;
    }

    /** A 32-bit both-byte-order field (7.3.3), checked like {@link #both16}. */
    static long both32(byte[] b, int at, String field, String structure, long offset)
            throws CorruptFilesystemException {
        long le = u32le(b, at);
        long be = u32be(b, at + 4);
        if (le != be) {
            throw new CorruptFilesystemException(structure, offset, field + ": little-endian copy " + le
                    + " and big-endian copy " + be + " disagree");
        }
        return le;
    }
}
