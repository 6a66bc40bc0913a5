package dev.vmboot.storage.internal.partition;

/**
 * GUIDs as UEFI stores them (UEFI 2.10 Appendix A, EFI_GUID): the first three fields little-endian, the last eight
 * bytes in order; printed in the registry form {@code C12A7328-F81F-11D2-BA4B-00A0C93EC93B}.
 */
final class UefiGuid {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();
    /** Byte order of the 16 stored bytes in the text form: Data1 (LE u32), Data2 (LE u16), Data3 (LE u16), Data4. */
    private static final int[] TEXT_ORDER = {3, 2, 1, 0, -1, 5, 4, -1, 7, 6, -1, 8, 9, -1, 10, 11, 12, 13, 14, 15};

    private UefiGuid() {
    }

    /** The text form of the 16 bytes at {@code offset}. */
    static String toText(byte[] bytes, int offset) {
        StringBuilder sb = new StringBuilder(36);
        for (int i : TEXT_ORDER) {
            if (i < 0) {
                sb.append('-');
            } else {
                int b = bytes[offset + i] & 0xFF;
                sb.append(HEX[b >>> 4]).append(HEX[b & 0xF]);
            }
        }
        return sb.toString();
    }

    /** Whether the 16 bytes at {@code offset} are all zero (the unused-entry GUID). */
    static boolean isZero(byte[] bytes, int offset) {
        for (int i = 0; i < 16; i++) {
            if (bytes[offset + i] != 0) {
                return false;
            }
        }
        return true;
    }
}
