package dev.vmboot.shell.internal;

import java.util.List;

/**
 * What a VM booted from the autoboot menu gets unless the entry is edited, checked as {@code vmboot:boot} checks its
 * options.
 *
 * @param memory guest memory as typed ({@code 1G}), parsed once here
 * @param cpus   vCPUs
 * @param disks  disks as {@code --disk} takes them ({@code /dev/sdb,ro})
 */
record VmDefaults(String memory, int cpus, List<String> disks) {

    /** Less than this runs no firmware or kernel vmboot boots. */
    static final long MIN_MEMORY = 32L << 20;
    static final VmDefaults STANDARD = new VmDefaults("1G", 1, List.of());

    VmDefaults {
        disks = List.copyOf(disks);
    }

    static VmDefaults from(VmDefaultsConfiguration configuration) {
        return of(configuration.memory(), configuration.cpus(),
                SettingList.disks("disks", configuration.disks()));
    }

    /** Checked values: a size, 1-255 vCPUs, disks that name a path. */
    static VmDefaults of(String memory, int cpus, List<String> disks) {
        String m = memory == null ? "" : memory.trim();
        try {
            if (ByteSize.parse(m) < MIN_MEMORY) {
                throw new IllegalArgumentException("memory must be at least "
                        + ByteSize.format(MIN_MEMORY) + ", not " + CommandArguments.shown(m));
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("memory " + CommandArguments.shown(m) + " is too large a size");
        } catch (IllegalArgumentException e) {
            throw e.getMessage().startsWith("memory") ? e
                    : new IllegalArgumentException("memory " + CommandArguments.shown(m)
                            + " is not a size (examples: 512M, 2G)");
        }
        if (cpus < 1 || cpus > 255) {
            throw new IllegalArgumentException("cpus must be 1-255, not " + cpus);
        }
        for (String d : disks) {
            BootArguments.Disk.parse(d);
        }
        return new VmDefaults(m, cpus, disks);
    }
}
