package dev.vmboot.shell.internal;

import java.util.Locale;

/** Sizes as people read them ({@code 1.5 GiB}) and as they type them ({@code 1G}, {@code 512M}). */
final class ByteSize {
    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};

    private ByteSize() {
    }

    static String format(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        double v = bytes;
        int unit = 0;
        while (v >= 1024 && unit < UNITS.length - 1) {
            v /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, v >= 100 ? "%.0f %s" : "%.1f %s", v, UNITS[unit]);
    }

    /** Parses {@code N[kKmMgGtT]} (binary units); a bare number is bytes. */
    static long parse(String text) {
        String t = text.trim();
        if (!t.matches("[0-9]+[kKmMgGtT]?[iI]?[bB]?")) {
            throw new IllegalArgumentException("not a size: '" + text + "' (examples: 512M, 2G)");
        }
        String digits = t.replaceAll("[^0-9]", "");
        String unit = t.substring(digits.length()).toUpperCase(Locale.ROOT);
        int shift = unit.isEmpty() || unit.equals("B") ? 0 : 10 * ("KMGT".indexOf(unit.charAt(0)) + 1);
        long value = Long.parseLong(digits);
        if (shift > 0 && value > (Long.MAX_VALUE >> shift)) {
            throw new IllegalArgumentException("size too large: '" + text + "'");
        }
        return value << shift;
    }
}
