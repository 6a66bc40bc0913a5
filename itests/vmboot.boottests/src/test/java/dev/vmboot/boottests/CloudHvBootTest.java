package dev.vmboot.boottests;

import static dev.vmboot.boottests.GuestDisks.MIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * EDK2's CloudHv firmware (OvmfPkg/CloudHv/CloudHvX64.dsc, a PVH ELF; built from Debian's edk2 source, see
 * {@link CloudHvFirmware}) booted by the "pvh" protocol, which gives it vmboot's CLOUD_HV platform: host bridge
 * 8086:0D57, the PVH start info with the memory map and vmboot's ACPI tables, the PM timer at 0x608, the ACPI sleep
 * control port 0x600, PCI configuration through 0xCF8, no fw_cfg. Its virtio drivers (Virtio10Dxe for vmboot's modern
 * virtio-pci) must find a virtio disk, and the shell's startup.nsh on it must start Linux.
 * <p>
 * Tagged "cloudhv" as well as "kvm": the module's pom leaves it out of -Dkvm runs (scripts/test-kvm, CI), which do
 * not build the firmware yet; -Dcloudhv brings it in. The firmware must exist before the lab starts (the lab sees the
 * cache read-only), so run {@code platforms/qemu/firmware/build-cloudhv.sh} on the host first.
 */
@Tag("kvm")
@Tag("cloudhv")
class CloudHvBootTest {

    private static final int ESP_MIB = 64;
    /** Two vCPUs: Linux counts them from the MADT, so both come up only if vmboot's ACPI tables got through. */
    private static final int CPUS = 2;

    /**
     * Measured in the nested lab (2026-12): the shell's prompt 16-17 s after vmboot started (5 s of it the shell's
     * startup.nsh countdown), the guest's power-off after the init's marker 31 s (one vCPU) to 37 s (two). Bounded so
     * that a hang fails well within the lab's hour.
     */
    private static final Duration TO_SHELL = Duration.ofMinutes(5);
    private static final Duration TO_MARKER = Duration.ofMinutes(6);
    private static final Duration TO_EXIT = Duration.ofMinutes(3);

    private static BootTestEnvironment env;
    private static Path firmware;
    private static GuestImages guest;

    @TempDir
    Path dir;

    @BeforeAll
    static void prepare() throws Exception {
        env = BootTestEnvironment.fromSystemProperties();
        firmware = CloudHvFirmware.locate(env);
        guest = GuestImages.prepare(env);
    }

    /**
     * No disk: the firmware reaches the shell, which takes typed input; {@code reset -s} (EFI_RESET_SHUTDOWN) is
     * CloudHv's write of SLP_TYP 5 | SLP_EN to port 0x600 (OvmfPkg ResetSystemLib), a clean power-off for vmboot.
     */
    @Test
    void reachesTheShellAndPowersOffThroughTheSleepControlPort() throws Exception {
        try (VmbootProcess vm = VmbootProcess.boot(env, "cloudhv-shell",
                List.of("-p", "pvh", "-m", "512M", "-c", "1", firmware.toString()))) {
            vm.awaitOutput("UEFI Interactive Shell", TO_SHELL);
            int prompt = vm.awaitOutput("Shell> ", 0, TO_SHELL);

            vm.type("reset -s\r");
            // the shell's reset command says what it does: proof that the typed line arrived whole
            vm.awaitOutput("Reset with <null string> (0 bytes)", prompt, TO_EXIT);
            int status = vm.awaitExit(TO_EXIT);

            assertEquals(0, status, "a clean guest power-off ends bin/vmboot boot with status 0" + vm.diagnostics());
        }
    }

    /**
     * A read-only virtio disk with a GPT/FAT32 ESP holding the kernel, its initrd and a startup.nsh that starts the
     * kernel's EFI stub from FS0: (CloudHv has no boot option for the disk's removable-media path here, as there is
     * no BOOTX64.EFI, so its shell runs the script). Linux then reads the same disk whole through its own virtio
     * driver: the hash must be the image's.
     */
    @Test
    void bootsLinuxFromAVirtioDiskThroughTheShellsStartupScript() throws Exception {
        String command = "FS0:\\vmlinuz initrd=\\initrd.img console=ttyS0 quiet vmboot.test=cloudhv "
                + "vmboot.disk=sha256";
        Map<String, Path> files = new LinkedHashMap<>();
        files.put("vmlinuz", guest.bzImage());
        files.put("initrd.img", guest.initramfs());
        files.put("startup.nsh", GuestDisks.text(dir, "startup.nsh", command + "\r\n"));
        Path esp = GuestDisks.esp(env, dir.resolve("esp.img"), ESP_MIB, files);

        try (VmbootProcess vm = VmbootProcess.boot(env, "cloudhv-esp-linux", List.of("-p", "pvh", "-m", "512M",
                "-c", Integer.toString(CPUS), "--disk", esp + ",ro", firmware.toString()))) {
            vm.awaitOutput(GuestMarker.PREFIX, TO_MARKER);
            int status = vm.awaitExit(TO_EXIT);
            String console = vm.output();
            GuestMarker marker = GuestMarker.find(console)
                    .orElseThrow(() -> new AssertionError("no complete marker line" + vm.diagnostics()));

            assertTrue(console.contains("UEFI Interactive Shell"), "the shell ran the script" + vm.diagnostics());
            assertTrue(ConsoleLines.has(console, "VMBOOT-DISK dev=vda sha256=" + GuestDisks.sha256(esp) + " bytes="
                    + ESP_MIB * MIB), "Linux read the ESP's disk whole: "
                    + ConsoleLines.starting(console, "VMBOOT-DISK") + vm.diagnostics());
            // the shell passes its whole command line as the load options, the image's path included
            assertEquals(command, marker.cmdline(), "the command line the kernel got" + vm.diagnostics());
            assertEquals(guest.kernelRelease(), marker.kernelRelease(), "kernel release");
            assertEquals(CPUS, marker.nproc(), "online CPUs (the MADT CloudHv installed from the PVH start info's "
                    + "RSDP)" + vm.diagnostics());
            assertTrue(console.contains("reboot: Power down"), "the kernel powered off" + vm.diagnostics());
            assertEquals(0, status, "S5 through the FADT's sleep control register ends bin/vmboot with status 0"
                    + vm.diagnostics());
        }
    }
}
