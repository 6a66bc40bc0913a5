package dev.vmboot.shell.internal;

import java.nio.file.Path;
import java.util.List;

/**
 * The autoboot menu's settings, checked: every way a configuration can be wrong is an
 * {@link IllegalArgumentException} with one sentence naming the setting.
 *
 * @param timeoutSeconds      countdown before the default boots; 0 at once, -1 no countdown
 * @param disks               disks scanned, empty for every block device
 * @param preferredPaths      glob patterns of paths, in order of preference
 * @param preferredPartitions GPT partition names or unique GUIDs, in order of preference
 * @param stateFile           where the last booted entry is remembered
 * @param afterPowerOff       what a guest's power-off leads to
 * @param powerOffCommand     the host's power-off command
 * @param rebootCommand       the host's reboot command
 * @param maxEntries          most entries shown
 * @param kernelCommandLine   command line of a kernel booted from the menu
 */
record AutobootSettings(int timeoutSeconds, List<String> disks, List<String> preferredPaths,
        List<String> preferredPartitions, Path stateFile, AfterPowerOff afterPowerOff, List<String> powerOffCommand,
        List<String> rebootCommand, int maxEntries, String kernelCommandLine) {

    static final int MAX_TIMEOUT_SECONDS = 3600;
    static final int MAX_ENTRIES = 99;
    static final int MAX_COMMAND_LINE = 4096;

    AutobootSettings {
        disks = List.copyOf(disks);
        preferredPaths = List.copyOf(preferredPaths);
        preferredPartitions = List.copyOf(preferredPartitions);
        powerOffCommand = List.copyOf(powerOffCommand);
        rebootCommand = List.copyOf(rebootCommand);
    }

    /** The settings of CONFIGURATION, a relative state file resolved against HOME. */
    static AutobootSettings from(AutobootConfiguration configuration, Path home) {
        int timeout = configuration.timeout();
        if (timeout < -1 || timeout > MAX_TIMEOUT_SECONDS) {
            throw new IllegalArgumentException("timeout must be -1 (wait for a key), 0 (boot at once) or up to "
                    + MAX_TIMEOUT_SECONDS + " seconds, not " + timeout);
        }
        int max = configuration.maxEntries();
        if (max < 1 || max > MAX_ENTRIES) {
            throw new IllegalArgumentException("maxEntries must be 1-" + MAX_ENTRIES + ", not " + max);
        }
        String state = configuration.stateFile() == null ? "" : configuration.stateFile().trim();
        if (state.isEmpty()) {
            throw new IllegalArgumentException("stateFile must name a file");
        }
        List<String> powerOff = SettingList.of("powerOffCommand", configuration.powerOffCommand());
        List<String> reboot = SettingList.of("rebootCommand", configuration.rebootCommand());
        if (powerOff.isEmpty() || reboot.isEmpty()) {
            throw new IllegalArgumentException((powerOff.isEmpty() ? "powerOffCommand" : "rebootCommand")
                    + " must name a command");
        }
        String cmdline = configuration.kernelCommandLine() == null ? "" : configuration.kernelCommandLine();
        if (cmdline.length() > MAX_COMMAND_LINE) {
            throw new IllegalArgumentException("kernelCommandLine is " + cmdline.length()
                    + " characters long; at most " + MAX_COMMAND_LINE + " are allowed");
        }
        List<String> paths = SettingList.of("preferredPaths", configuration.preferredPaths());
        for (String p : paths) {
            if (!p.startsWith("/")) {
                throw new IllegalArgumentException("preferredPaths: " + CommandArguments.shown(p)
                        + " is not an absolute path pattern (e.g. /firmware/*.fd)");
            }
            PathPattern.compile(p);
        }
        return new AutobootSettings(timeout, SettingList.of("disks", configuration.disks()), paths,
                SettingList.of("preferredPartitions", configuration.preferredPartitions()),
                home.resolve(state), AfterPowerOff.parse(configuration.afterPowerOff()), powerOff, reboot, max,
                cmdline);
    }
}
