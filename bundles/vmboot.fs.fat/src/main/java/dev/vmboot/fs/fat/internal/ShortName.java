package dev.vmboot.fs.fat.internal;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The 11-byte 8.3 name of a directory entry (fatgen103 "FAT Directory Structure", DIR_Name): 8 bytes of base and 3 of
 * extension, space padded, in the OEM code page (437, Linux's default {@code codepage=437}).
 */
final class ShortName {
    /** DIR_NTRes bit: the base is shown lower-case (Windows NT and Linux {@code shortname=mixed}). */
    static final int LOWER_CASE_BASE = 0x08;
    /** DIR_NTRes bit: the extension is shown lower-case. */
    static final int LOWER_CASE_EXTENSION = 0x10;
    /** fatgen103: a first byte 0x05 stands for 0xE5, which itself marks a deleted entry. */
    private static final int KANJI_E5 = 0x05;

    private static final Charset OEM = oemCharset();

    private ShortName() {
    }

    private static Charset oemCharset() {
        try {
            return Charset.forName("IBM437");
        } catch (IllegalArgumentException e) {
            return StandardCharsets.ISO_8859_1;
        }
    }

    /** The displayed name of {@code raw[from..from+11)}: base, a dot and the extension if any, case bits applied. */
    static String decode(byte[] raw, int from, int caseBits) {
        byte[] base = new byte[8];
        System.arraycopy(raw, from, base, 0, 8);
        if ((base[0] & 0xFF) == KANJI_E5) {
            base[0] = (byte) 0xE5;
        }
        String b = new String(base, 0, trimmedLength(base, 0, 8), OEM);
        String e = new String(raw, from + 8, trimmedLength(raw, from + 8, 3), OEM);
        if ((caseBits & LOWER_CASE_BASE) != 0) {
            b = b.toLowerCase(Locale.ROOT);
        }
        if ((caseBits & LOWER_CASE_EXTENSION) != 0) {
            e = e.toLowerCase(Locale.ROOT);
        }
        return e.isEmpty() ? b : b + "." + e;
    }

    /** A volume label (11 bytes, space padded); empty for none or mkfs's placeholder "NO NAME". */
    static String decodeLabel(byte[] raw) {
        String label = new String(raw, 0, trimmedLength(raw, 0, raw.length), OEM);
        return label.equals("NO NAME") ? "" : label;
    }

    /** fatgen103 ChkSum(): the rotate-right-and-add checksum of the 11 name bytes that long-name entries carry. */
    static int checksum(byte[] raw, int from) {
        int sum = 0;
        for (int i = 0; i < 11; i++) {
            sum = (((sum & 1) << 7) + (sum >> 1) + (raw[from + i] & 0xFF)) & 0xFF;
        }
        return sum;
    }

    private static int trimmedLength(byte[] raw, int from, int length) {
        int n = length;
        while (n > 0 && (raw[from + n - 1] == ' ' || raw[from + n - 1] == 0)) {
            n--;
        }
        return n;
    }
}
