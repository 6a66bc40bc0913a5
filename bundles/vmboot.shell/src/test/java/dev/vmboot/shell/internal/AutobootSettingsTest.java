package dev.vmboot.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The settings as a .cfg file gives them (strings) or a typed configuration does, and the sentences for bad ones. */
class AutobootSettingsTest {
    private static final Path HOME = Path.of("/opt/vmboot");

    private static AutobootSettings settings(Map<String, ?> properties) {
        return AutobootSettings.from(ConfigurationView.of(AutobootConfiguration.class, properties), HOME);
    }

    private static String refusal(Map<String, ?> properties) {
        return assertThrows(IllegalArgumentException.class, () -> settings(properties)).getMessage();
    }

    @Test
    void theDefaults() {
        AutobootSettings s = settings(Map.of());
        assertEquals(5, s.timeoutSeconds());
        assertEquals(List.of(), s.disks());
        assertEquals(HOME.resolve("var/last-booted"), s.stateFile());
        assertEquals(AfterPowerOff.MENU, s.afterPowerOff());
        assertEquals(List.of("poweroff", "-f"), s.powerOffCommand());
        assertEquals(20, s.maxEntries());
        assertEquals("console=ttyS0", s.kernelCommandLine());
    }

    @Test
    void stringsOfACfgFileAndTypedValuesAreRead() {
        AutobootSettings s = settings(Map.of("timeout", " 12 ", "disks", "/dev/sda, /dev/nvme0n1", "preferredPaths",
                new String[] {"/firmware/*.fd", "/EFI/**.fd"}, "stateFile", "/var/lib/vmboot/last", "afterPowerOff",
                "reboot", "maxEntries", 3));
        assertEquals(12, s.timeoutSeconds());
        assertEquals(List.of("/dev/sda", "/dev/nvme0n1"), s.disks());
        assertEquals(List.of("/firmware/*.fd", "/EFI/**.fd"), s.preferredPaths());
        assertEquals(Path.of("/var/lib/vmboot/last"), s.stateFile());
        assertEquals(AfterPowerOff.REBOOT, s.afterPowerOff());
        assertEquals(3, s.maxEntries());
    }

    @Test
    void eachBadValueIsOneSentenceNamingTheSetting() {
        assertEquals("timeout must be a whole number, not 'soon'", refusal(Map.of("timeout", "soon")));
        assertEquals("timeout must be -1 (wait for a key), 0 (boot at once) or up to 3600 seconds, not 9999",
                refusal(Map.of("timeout", 9999)));
        assertEquals("maxEntries must be 1-99, not 0", refusal(Map.of("maxEntries", "0")));
        assertEquals("afterPowerOff must be menu, poweroff or reboot, not 'halt'",
                refusal(Map.of("afterPowerOff", "halt")));
        assertEquals("preferredPaths: 'firmware/*.fd' is not an absolute path pattern (e.g. /firmware/*.fd)",
                refusal(Map.of("preferredPaths", "firmware/*.fd")));
        assertEquals("powerOffCommand must name a command", refusal(Map.of("powerOffCommand", " , ")));
        assertEquals("stateFile must name a file", refusal(Map.of("stateFile", " ")));
    }

    @Test
    void vmDefaultsAreCheckedAsBootChecksItsOptions() {
        VmDefaults d = VmDefaults.from(ConfigurationView.of(VmDefaultsConfiguration.class,
                Map.of("memory", "2G", "cpus", "4", "disks", "/dev/sdb,ro,data.img")));
        assertEquals(new VmDefaults("2G", 4, List.of("/dev/sdb,ro", "data.img")), d);
        assertEquals(VmDefaults.STANDARD, VmDefaults.from(ConfigurationView.of(VmDefaultsConfiguration.class,
                Map.of())));
        assertEquals("memory '2X' is not a size (examples: 512M, 2G)", assertThrows(IllegalArgumentException.class,
                () -> VmDefaults.of("2X", 1, List.of())).getMessage());
        assertEquals("memory must be at least 32.0 MiB, not '1M'", assertThrows(IllegalArgumentException.class,
                () -> VmDefaults.of("1M", 1, List.of())).getMessage());
        assertEquals("cpus must be 1-255, not 0", assertThrows(IllegalArgumentException.class,
                () -> VmDefaults.of("1G", 0, List.of())).getMessage());
    }

    @Test
    void aListIsBounded() {
        String many = String.join(",", java.util.Collections.nCopies(SettingList.MAX_ELEMENTS + 1, "/dev/sda"));
        assertEquals("disks has 65 elements; at most 64 are allowed", refusal(Map.of("disks", many)));
    }
}
