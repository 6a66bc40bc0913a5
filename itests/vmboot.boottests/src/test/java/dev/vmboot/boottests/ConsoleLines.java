package dev.vmboot.boottests;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A serial console transcript as lines, for exact comparisons: LF ends a line, carriage returns at either end of a line
 * are dropped (CR LF line ends; GRUB leaves a lone CR before the kernel's first line), and terminal escape sequences
 * (CSI: the firmware's colours, cursor moves and screen clears, which may stand anywhere in a line) are removed.
 */
final class ConsoleLines {

    private static final Pattern CSI = Pattern.compile("\\e\\[[0-9;?=]*[A-Za-z]");
    private static final Pattern OUTER_CR = Pattern.compile("^\r+|\r+$");

    private ConsoleLines() {
    }

    static List<String> of(String console) {
        return Arrays.stream(CSI.matcher(console).replaceAll("").split("\n", -1))
                .map(l -> OUTER_CR.matcher(l).replaceAll(""))
                .toList();
    }

    /** True when one line of the console is exactly LINE. */
    static boolean has(String console, String line) {
        return of(console).contains(line);
    }

    /** The lines that start with PREFIX, for failure messages and for markers whose values a test cannot know. */
    static List<String> starting(String console, String prefix) {
        return of(console).stream().filter(l -> l.startsWith(prefix)).toList();
    }
}
