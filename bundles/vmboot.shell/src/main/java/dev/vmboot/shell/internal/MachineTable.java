package dev.vmboot.shell.internal;

import java.time.Duration;
import java.util.List;

/** {@code vmboot:list}'s table: number, what was booted, protocol, memory, vCPUs, uptime and state of each VM. */
final class MachineTable {
    /** Columns an IMAGE is cut to, keeping its end (the file's name): the table stays within 100 columns. */
    static final int IMAGE_WIDTH = 36;
    private static final String ROW = "%-4s %-" + IMAGE_WIDTH + "s %-9s %9s %4s %10s  %s%n";

    private MachineTable() {
    }

    static String of(List<RunningMachine> machines) {
        if (machines.isEmpty()) {
            return "no virtual machines\n";
        }
        StringBuilder sb = new StringBuilder(String.format(ROW, "ID", "IMAGE", "PROTOCOL", "MEMORY", "CPUS", "UPTIME",
                "STATE"));
        for (RunningMachine m : machines) {
            sb.append(String.format(ROW, m.id(), tail(m.image()), m.protocol(), ByteSize.format(m.spec().memoryBytes()),
                    m.spec().vcpus(), uptime(m.uptime()), m.state().name().toLowerCase()
                            + (m.console().isAttached() ? ", console attached" : "")));
        }
        return sb.toString();
    }

    /** An image name cut to {@value #IMAGE_WIDTH} columns from its end, control characters shown as {@code \xNN}. */
    static String tail(String image) {
        String cut = image.length() <= IMAGE_WIDTH ? image : "…" + image.substring(image.length() - IMAGE_WIDTH + 1);
        return CommandArguments.shownUnquoted(cut);
    }

    /** 0:00:07, 1:02:03, 3d 4:05:06. */
    static String uptime(Duration d) {
        long s = d.toSeconds();
        String clock = String.format("%d:%02d:%02d", s / 3600 % 24, s / 60 % 60, s % 60);
        return s >= 86_400 ? s / 86_400 + "d " + clock : clock;
    }
}
