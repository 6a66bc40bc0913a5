package dev.vmboot.shell.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * How the autoboot menu boots an entry: the VM's memory, vCPUs and extra disks, and a kernel's command line.
 *
 * @param memory  guest memory as {@code boot -m} takes it
 * @param cpus    vCPUs
 * @param disks   disks after the entry's own, as {@code boot --disk} takes them
 * @param cmdline a kernel's command line (firmware gets none)
 */
record BootSettings(String memory, int cpus, List<String> disks, String cmdline) {

    BootSettings {
        disks = List.copyOf(disks);
    }

    static BootSettings of(VmDefaults defaults, String cmdline) {
        return new BootSettings(defaults.memory(), defaults.cpus(), defaults.disks(), cmdline);
    }

    /**
     * The arguments of {@code vmboot:boot} that boot ENTRY this way. A guest reset reboots it (as a PC's reset
     * would); the disk it was found on goes along read-only, as {@code boot} passes it.
     */
    List<String> bootArguments(MenuEntry entry) {
        List<String> args = new ArrayList<>(List.of("-m", memory, "-c", Integer.toString(cpus), "-r", "reboot"));
        for (String d : disks) {
            args.add("--disk");
            args.add(d);
        }
        if (entry.kind() == MenuEntry.Kind.LINUX_KERNEL) {
            entry.initrdLocation().ifPresent(i -> {
                args.add("-i");
                args.add(i);
            });
            if (!cmdline.isEmpty()) {
                args.add("-a");
                args.add(cmdline);
            }
        }
        args.add("--");
        args.add(entry.location());
        return args;
    }
}
