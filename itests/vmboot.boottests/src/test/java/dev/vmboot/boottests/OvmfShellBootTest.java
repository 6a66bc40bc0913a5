package dev.vmboot.boottests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Debian's OVMF.fd (package ovmf) booted by the "firmware" protocol: it must reach the UEFI shell on the serial
 * console, take typed input, and power the VM off cleanly on {@code reset -s} (UEFI shell: reset -s = shutdown,
 * EFI_RESET_SHUTDOWN, which OVMF carries out through the ACPI PM1 control register: S5).
 */
@Tag("kvm")
class OvmfShellBootTest {

    private static final Path OVMF = Path.of("/usr/share/ovmf/OVMF.fd");

    /** In the nested lab QEMU-KVM needs 16-19 s to the prompt, including OVMF's 5 s startup.nsh countdown. */
    private static final Duration TO_SHELL = Duration.ofMinutes(10);
    private static final Duration TO_EXIT = Duration.ofMinutes(5);

    @Test
    void reachesTheUefiShellAndPowersOffOnResetShutdown() throws Exception {
        assertTrue(Files.isRegularFile(OVMF), OVMF + " is missing: apt-get install ovmf");
        BootTestEnvironment env = BootTestEnvironment.fromSystemProperties();
        try (VmbootProcess vm = VmbootProcess.boot(env, "ovmf-shell",
                List.of("-p", "firmware", "-m", "512M", "-c", "1", OVMF.toString()))) {
            vm.awaitOutput("UEFI Interactive Shell", TO_SHELL);
            vm.awaitOutput("Shell> ", TO_SHELL);

            vm.type("reset -s\r");
            // The shell echoes each key between cursor escapes, then its reset command says what it does (with no
            // reset string): proof that the typed line arrived whole.
            vm.awaitOutput("Reset with <null string> (0 bytes)", TO_EXIT);
            int status = vm.awaitExit(TO_EXIT);

            assertEquals(0, status, "a clean guest power-off ends bin/vmboot boot with status 0" + vm.diagnostics());
        }
    }

    /**
     * {@code --on-reset reboot}: the shell's {@code reset} (a cold reset, which OVMF carries out through the 0xCF9
     * reset control register) ends the machine as RESET, and the session boots a fresh one from the same image: the
     * firmware comes up a second time, and its {@code reset -s} then ends the session with status 0.
     */
    @Test
    void aResetRebootsTheFirmwareWhenThePolicyIsReboot() throws Exception {
        assertTrue(Files.isRegularFile(OVMF), OVMF + " is missing: apt-get install ovmf");
        BootTestEnvironment env = BootTestEnvironment.fromSystemProperties();
        try (VmbootProcess vm = VmbootProcess.boot(env, "ovmf-reboot",
                List.of("-p", "firmware", "-m", "512M", "-c", "1", "--on-reset", "reboot", OVMF.toString()))) {
            int firstShell = vm.awaitOutput("Shell> ", 0, TO_SHELL);

            vm.type("reset\r");
            // The banner is printed once per boot: seen again after the first prompt, the firmware started anew.
            int secondBanner = vm.awaitOutput("UEFI Interactive Shell", firstShell, TO_SHELL);
            vm.awaitOutput("Shell> ", secondBanner, TO_SHELL);
            assertTrue(vm.errors().contains("the guest reset; rebooting (reboot 1)"), vm.diagnostics());

            vm.type("reset -s\r");
            int status = vm.awaitExit(TO_EXIT);

            assertEquals(0, status, "the rebooted machine's power-off ends the session with status 0"
                    + vm.diagnostics());
        }
    }
}
