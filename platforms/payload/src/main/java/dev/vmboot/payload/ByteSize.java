package dev.vmboot.payload;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses sizes written as {@code 16MiB}, {@code 512KiB}, {@code 1048576}, and prints bytes as MiB. */
final class ByteSize {
    private static final Pattern SIZE = Pattern.compile("(\\d{1,12})\\s*(|B|KiB|MiB|GiB)");

    private ByteSize() {
    }

    static long parse(String s) {
        Matcher m = SIZE.matcher(s.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a size (bytes, KiB, MiB or GiB): \"" + s + "\"");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "KiB" -> n << 10;
            case "MiB" -> n << 20;
            case "GiB" -> n << 30;
            default -> n;
        };
    }

    static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.2f MiB", bytes / (double) (1 << 20));
    }
}
