package dev.vmboot.shell.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * A list setting as Configuration Admin hands it over: an array from a typed configuration, or one comma-separated
 * string from a {@code .cfg} file; elements are trimmed and empty ones dropped. At most {@value #MAX_ELEMENTS}.
 */
final class SettingList {
    static final int MAX_ELEMENTS = 64;

    private SettingList() {
    }

    static List<String> of(String name, String[] values) {
        List<String> out = new ArrayList<>();
        for (String value : values == null ? new String[0] : values) {
            for (String part : value.split(",")) {
                String p = part.trim();
                if (!p.isEmpty()) {
                    out.add(p);
                }
            }
        }
        if (out.size() > MAX_ELEMENTS) {
            throw new IllegalArgumentException(name + " has " + out.size() + " elements; at most " + MAX_ELEMENTS
                    + " are allowed");
        }
        return List.copyOf(out);
    }

    /** Disks as {@code --disk} takes them: a {@code ro} or {@code rw} element belongs to the path before it. */
    static List<String> disks(String name, String[] values) {
        List<String> out = new ArrayList<>();
        for (String element : of(name, values)) {
            if ((element.equals("ro") || element.equals("rw")) && !out.isEmpty()) {
                out.set(out.size() - 1, out.get(out.size() - 1) + "," + element);
            } else {
                out.add(element);
            }
        }
        return List.copyOf(out);
    }
}
