package dev.vmboot.shell.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * ConfigAdmin configuration of the autoboot menu, PID {@value #PID} ({@code etc/dev.vmboot.boot.cfg}). List settings
 * are comma-separated in a {@code .cfg} file.
 */
@ObjectClassDefinition(id = AutobootConfiguration.PID, name = "vmboot autoboot",
        description = "What the autoboot menu (bin/vmboot --autoboot) scans, which entry it boots by default and when.")
public @interface AutobootConfiguration {
    String PID = "dev.vmboot.boot";

    @AttributeDefinition(name = "Timeout", min = "-1", max = "3600", description = "Seconds the menu counts down"
            + " before it boots the default entry; 0 boots it at once, -1 waits for a key.")
    int timeout() default 5;

    @AttributeDefinition(name = "Disks", required = false, description = "Disks or image files scanned for boot"
            + " candidates, comma-separated; none means every block device.")
    String[] disks() default {};

    @AttributeDefinition(name = "Preferred paths", required = false, description = "Glob patterns of paths inside a"
            + " filesystem (/firmware/*.fd, /EFI/**.fd); the first entry matching the first pattern is the default.")
    String[] preferredPaths() default {};

    @AttributeDefinition(name = "Preferred partitions", required = false, description = "GPT partition names or"
            + " unique partition GUIDs; without a preferred path, the first entry on the first of these is the"
            + " default.")
    String[] preferredPartitions() default {};

    @AttributeDefinition(name = "State file", description = "Where the last booted entry is remembered (written"
            + " atomically); a relative path is under vmboot's home directory.")
    String stateFile() default "var/last-booted";

    @AttributeDefinition(name = "After power-off", description = "What happens when a guest booted from the menu"
            + " powers off: show the menu again, power the host off, or reboot the host.", options = {
                @Option(label = "show the menu again", value = "menu"),
                @Option(label = "power the host off", value = "poweroff"),
                @Option(label = "reboot the host", value = "reboot") })
    String afterPowerOff() default "menu";

    @AttributeDefinition(name = "Power-off command", description = "The command (and arguments, comma-separated)"
            + " that powers the host off.")
    String[] powerOffCommand() default {"poweroff", "-f"};

    @AttributeDefinition(name = "Reboot command", description = "The command (and arguments, comma-separated) that"
            + " reboots the host.")
    String[] rebootCommand() default {"reboot", "-f"};

    @AttributeDefinition(name = "Menu entries", min = "1", max = "99", description = "Most entries the menu shows;"
            + " it says how many more it found.")
    int maxEntries() default 20;

    @AttributeDefinition(name = "Kernel command line", required = false, description = "Command line of a Linux"
            + " kernel booted from the menu.")
    String kernelCommandLine() default "console=ttyS0";
}
