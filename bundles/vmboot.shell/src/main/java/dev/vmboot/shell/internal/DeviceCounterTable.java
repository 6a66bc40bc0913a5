package dev.vmboot.shell.internal;

import java.util.Locale;
import java.util.Map;

/**
 * {@code vmboot:counters}' listing: each device of a VM by name, then its counters, one a line, the ones at 0 left out
 * and counted unless all are asked for. Names and counters come from the machine and its device plug-ins, so each is
 * shown through {@link CommandArguments#shownUnquoted(String)}: bounded, control characters escaped.
 */
final class DeviceCounterTable {
    private static final String ROW = "  %-40s %,20d%n";

    private DeviceCounterTable() {
    }

    static String of(int id, Map<String, Map<String, Long>> devices, boolean all) {
        if (devices.isEmpty()) {
            return "VM " + id + " has no devices with counters\n";
        }
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Map<String, Long>> device : devices.entrySet()) {
            sb.append(CommandArguments.shownUnquoted(device.getKey())).append('\n');
            int zero = 0;
            for (Map.Entry<String, Long> counter : device.getValue().entrySet()) {
                long value = counter.getValue() == null ? 0 : counter.getValue();
                if (value == 0 && !all) {
                    zero++;
                } else {
                    // Locale.ROOT: 1,234 wherever it runs
                    sb.append(String.format(Locale.ROOT, ROW, CommandArguments.shownUnquoted(counter.getKey()), value));
                }
            }
            if (zero > 0) {
                sb.append("  (").append(zero).append(zero == 1 ? " more at 0" : " more at 0; counters --all shows them")
                        .append(")\n");
            }
        }
        return sb.toString();
    }
}
