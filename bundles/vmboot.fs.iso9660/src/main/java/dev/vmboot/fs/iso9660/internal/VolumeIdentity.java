package dev.vmboot.fs.iso9660.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The label and UUID of an ISO9660 volume the way libblkid (util-linux, {@code superblocks/iso9660.c}) derives them,
 * so that {@code blkid}, {@code /dev/disk/by-label} and vmboot agree.
 */
final class VolumeIdentity {
    /** ECMA-119 8.4.6 / Joliet: the volume identifier field is 32 bytes (16 UCS-2 characters in Joliet). */
    private static final int ID_BYTES = 32;

    private VolumeIdentity() {
    }

    /**
     * The primary descriptor's volume identifier, or with Joliet the Joliet one (UCS-2, at most 16 characters)
     * merged with the primary one: where the Joliet label is a prefix of the primary label (ignoring case and the
     * '_' that stands for characters d-characters cannot hold), the primary label's remaining characters extend it.
     */
    static String label(VolumeDescriptorSet set) {
        byte[] ascii = set.primary().volumeId();
        if (set.joliet().isEmpty()) {
            return trim(FileNames.decodeBytes(ascii));
        }
        byte[] ucs2 = set.joliet().get().volumeId();
        byte[] merged = merge(ucs2, ascii);
        return trim(new String(merged != null ? merged : ucs2, StandardCharsets.UTF_16BE));
    }

    /** UTF-16BE of the merged label, or null if the Joliet label is not a prefix of the primary one. */
    private static byte[] merge(byte[] ucs2, byte[] ascii) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int u = 0;
        int a = 0;
        for (; u + 1 < ID_BYTES && a < ID_BYTES; u += 2, a++) {
            int hi = ucs2[u] & 0xff;
            if (hi >= 0xD8 && hi <= 0xDB && u + 3 < ID_BYTES && (ucs2[u + 2] & 0xff) >= 0xDC
                    && (ucs2[u + 2] & 0xff) <= 0xDF) {
                // A surrogate pair stands for one '_' of the primary label.
                out.write(ucs2[u]);
                out.write(ucs2[u + 1]);
                u += 2;
                hi = ucs2[u] & 0xff;
            }
            int lo = ucs2[u + 1] & 0xff;
            int c = ascii[a] & 0xff;
            if (c == '_') {
                out.write(hi);
                out.write(lo);
            } else if (hi == 0 && lo == '_') {
                out.write(0);
                out.write(c);
            } else if (hi == 0 && upper(c) == upper(lo)) {
                out.write(0);
                out.write(c >= 'A' && c <= 'Z' ? lo : c);
            } else {
                return null;
            }
        }
        for (; a < ID_BYTES; a++) {
            out.write(0);
            out.write(ascii[a]);
        }
        return out.toByteArray();
    }

    private static int upper(int c) {
        return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c;
    }

    /** Up to a NUL, without trailing white space. */
    private static String trim(String s) {
        int nul = s.indexOf('\0');
        String t = nul >= 0 ? s.substring(0, nul) : s;
        int end = t.length();
        while (end > 0 && Character.isWhitespace(t.charAt(end - 1))) {
            end--;
        }
        return t.substring(0, end);
    }

    /**
     * The volume modification date (ECMA-119 8.4.27), or if that is unset the creation date (8.4.26), as {@code
     * YYYY-MM-DD-hh-mm-ss-cc}; empty if neither is set.
     */
    static String uuid(VolumeDescriptorSet set) {
        String modified = dateUuid(set.primary().modified());
        return modified.isEmpty() ? dateUuid(set.primary().created()) : modified;
    }

    /** 8.4.26.1: sixteen digits and an offset byte; all digits '0' with offset 0 means unset. */
    private static String dateUuid(byte[] date) {
        boolean allZero = date[16] == 0;
        for (int i = 0; i < 16; i++) {
            if (date[i] < '0' || date[i] > '9') {
                return "";
            }
            allZero &= date[i] == '0';
        }
        if (allZero) {
            return "";
        }
        String d = new String(date, 0, 16, StandardCharsets.US_ASCII);
        return d.substring(0, 4) + "-" + d.substring(4, 6) + "-" + d.substring(6, 8) + "-" + d.substring(8, 10)
                + "-" + d.substring(10, 12) + "-" + d.substring(12, 14) + "-" + d.substring(14, 16);
    }
}
