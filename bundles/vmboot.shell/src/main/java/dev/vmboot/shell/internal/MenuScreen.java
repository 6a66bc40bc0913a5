package dev.vmboot.shell.internal;

import java.util.List;

/**
 * The autoboot menu as text for a plain serial console: at most 79 characters a line, ASCII only (anything a disk
 * holds is shown with {@code ?} for what is not printable ASCII), no colours and no cursor movement, so that a serial
 * log shows it as the screen did. Two lines an entry: what it is, its path and size; then where it is.
 */
final class MenuScreen {
    static final int WIDTH = 79;
    private static final int PATH_WIDTH = 49;

    private MenuScreen() {
    }

    /**
     * The menu: SHOWN entries (the first of all that were found), the default marked with {@code *}.
     *
     * @param found    how many entries the scan found in all
     * @param disks    how many disks were scanned
     */
    static String render(List<MenuEntry> shown, int found, int disks, BootPolicy.Choice choice) {
        StringBuilder sb = new StringBuilder();
        line(sb, "vmboot autoboot: " + found + " boot candidate" + (found == 1 ? "" : "s") + " on " + disks
                + " disk" + (disks == 1 ? "" : "s"));
        for (int i = 0; i < shown.size(); i++) {
            MenuEntry e = shown.get(i);
            String what = e.initrd().map(p -> e.path() + " + " + BootCandidates.fileName(p)).orElse(e.path());
            String size = ByteSize.format(e.candidate().size());
            line(sb, String.format("%2d%s %-13s %-" + PATH_WIDTH + "s %10s", i + 1, i == choice.index() ? "*" : " ",
                    e.kind().label(), printable(tail(what, PATH_WIDTH)), size));
            line(sb, "      " + where(e));
        }
        if (found > shown.size()) {
            line(sb, (found - shown.size()) + " more not shown (the first " + shown.size()
                    + " are; maxEntries in " + AutobootConfiguration.PID + ")");
        }
        line(sb, "Default " + (choice.index() + 1) + " (" + printable(choice.reason()) + ")");
        line(sb, "Keys: " + (shown.size() == 1 ? "1" : "1-" + shown.size())
                + " boot that entry, Enter the default, e edit, s shell");
        return sb.toString();
    }

    /** Where an entry is: disk and partition, partition name and GUID, filesystem. */
    static String where(MenuEntry e) {
        StringBuilder sb = new StringBuilder(printable(e.candidate().location())).append(' ').append(e.fsType());
        e.partition().ifPresent(p -> {
            if (!p.label().isEmpty()) {
                sb.append(" \"").append(printable(p.label())).append('"');
            }
            sb.append(' ').append(printable(p.uniqueId()));
        });
        return sb.toString();
    }

    private static void line(StringBuilder sb, String text) {
        sb.append(text.length() <= WIDTH ? text : text.substring(0, WIDTH - 3) + "...").append('\n');
    }

    /** The end of TEXT in WIDTH characters: a path's file name matters most. */
    static String tail(String text, int width) {
        return text.length() <= width ? text : "..." + text.substring(text.length() - (width - 3));
    }

    /** TEXT with every character outside printable ASCII as {@code ?}; at most 256 characters of it. */
    static String printable(String text) {
        StringBuilder sb = new StringBuilder(Math.min(text.length(), 256));
        for (int i = 0; i < text.length() && i < 256; i++) {
            char c = text.charAt(i);
            sb.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return sb.toString();
    }
}
