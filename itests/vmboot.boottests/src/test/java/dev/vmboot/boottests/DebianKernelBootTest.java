package dev.vmboot.boottests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Debian's own kernel with the busybox initramfs (platforms/qemu/guest): booted as a bzImage through the "linux"
 * protocol and as the extracted vmlinux through "pvh". Its /init prints one marker line with what the guest saw
 * (online CPUs, MemTotal, kernel release, command line) and powers off, which must end bin/vmboot with status 0.
 */
@Tag("kvm")
class DebianKernelBootTest {

    private static final int CPUS = 2;
    private static final Path OVMF = Path.of("/usr/share/ovmf/OVMF.fd");
    private static final long MEMORY_KIB = 512 * 1024;
    /**
     * MemTotal is the RAM the kernel manages: guest RAM less firmware holes, the kernel image and early
     * reservations. QEMU's 512 MiB guest shows about 457 MiB; below three quarters something is lost.
     */
    private static final long MEMORY_KIB_FLOOR = MEMORY_KIB * 3 / 4;

    /** The kernel boots to init in 5-11 s under QEMU-KVM in the nested lab; give vmboot ample room. */
    private static final Duration TO_MARKER = Duration.ofMinutes(8);
    private static final Duration TO_EXIT = Duration.ofMinutes(3);

    private static BootTestEnvironment env;
    private static GuestImages guest;

    @BeforeAll
    static void prepareGuest() throws Exception {
        env = BootTestEnvironment.fromSystemProperties();
        guest = GuestImages.prepare(env);
    }

    @Test
    void bzImageThroughTheLinuxBootProtocol() throws Exception {
        bootAndCheck("linux-bzimage", "linux", guest.bzImage(), "console=ttyS0 quiet vmboot.test=bzimage");
    }

    /** The bzImage through PVH: vmboot unpacks the vmlinux from its payload (xz in Debian's kernel). */
    @Test
    void bzImagePayloadThroughPvh() throws Exception {
        bootAndCheck("pvh-bzimage", "pvh", guest.bzImage(), "console=ttyS0 quiet vmboot.test=pvh-bzimage");
    }

    @Test
    void vmlinuxThroughPvh() throws Exception {
        bootAndCheck("pvh-vmlinux", "pvh", guest.vmlinux(), "console=ttyS0 quiet vmboot.test=pvh");
    }

    /**
     * Debian's OVMF given the bzImage over fw_cfg (QEMU's -bios with -kernel): the firmware starts it through its EFI
     * stub with ACPI tables it installed from vmboot's table loader. Both vCPUs come up only if the MADT arrived, and the
     * power-off goes through the FADT's PM1a control block and the DSDT's \_S5.
     */
    @Test
    void bzImageThroughOvmfWithAcpiFromTheTableLoader() throws Exception {
        String cmdline = "console=ttyS0 quiet vmboot.test=ovmf";
        try (VmbootProcess vm = VmbootProcess.boot(env, "ovmf-linux", List.of("-p", "firmware", "-m", "512M",
                "-c", Integer.toString(CPUS), "-k", guest.bzImage().toString(), "-i", guest.initramfs().toString(),
                "-a", cmdline, OVMF.toString()))) {
            vm.awaitOutput(GuestMarker.PREFIX, TO_MARKER);
            int status = vm.awaitExit(TO_EXIT);
            String console = vm.output();
            GuestMarker marker = GuestMarker.find(console)
                    .orElseThrow(() -> new AssertionError("no complete marker line" + vm.diagnostics()));
            assertEquals(CPUS, marker.nproc(), "online CPUs (MADT)" + vm.diagnostics());
            // OVMF's QemuLoadImageLib appends "initrd=initrd" for the EFI stub, which then loads the initrd from it
            assertEquals(cmdline + " initrd=initrd", marker.cmdline(), "the command line OVMF passed on"
                    + vm.diagnostics());
            assertTrue(marker.memKib() <= MEMORY_KIB && marker.memKib() >= MEMORY_KIB / 2,
                    "MemTotal " + marker.memKib() + " KiB under OVMF" + vm.diagnostics());
            assertTrue(console.contains("reboot: Power down"), "the kernel powered off" + vm.diagnostics());
            assertEquals(0, status, "ACPI S5 through PM1a control ends bin/vmboot with status 0" + vm.diagnostics());
        }
    }

    /**
     * With vmboot.echo=1 the init prints VMBOOT-GUEST-READY, reads one line from its console and prints it back:
     * what is written to bin/vmboot's standard input must reach the guest's UART (ttyS0) unchanged.
     */
    @Test
    void standardInputReachesTheGuestConsole() throws Exception {
        String line = "typed into vmboot's stdin 0123456789 ~!@#$%^&*()_+";
        try (VmbootProcess vm = VmbootProcess.boot(env, "linux-echo", List.of("-p", "linux", "-m", "512M",
                "-c", "1", "-i", guest.initramfs().toString(), "-a", "console=ttyS0 quiet vmboot.echo=1",
                guest.bzImage().toString()))) {
            vm.awaitOutput("VMBOOT-GUEST-READY", TO_MARKER);
            vm.type(line + "\r");   // the tty turns CR into NL (ICRNL), as a terminal's Enter key
            vm.awaitOutput(GuestMarker.PREFIX, TO_EXIT);
            int status = vm.awaitExit(TO_EXIT);

            assertTrue(vm.output().contains("\nVMBOOT-GUEST-ECHO " + line + "\r\n"),
                    "the guest read back exactly the typed line" + vm.diagnostics());
            assertEquals(0, status, "clean power-off" + vm.diagnostics());
        }
    }

    private static void bootAndCheck(String name, String protocol, Path kernel, String cmdline) throws Exception {
        try (VmbootProcess vm = VmbootProcess.boot(env, name, List.of("-p", protocol, "-m", "512M",
                "-c", Integer.toString(CPUS), "-i", guest.initramfs().toString(), "-a", cmdline, kernel.toString()))) {
            vm.awaitOutput(GuestMarker.PREFIX, TO_MARKER);
            int status = vm.awaitExit(TO_EXIT);
            String console = vm.output();
            GuestMarker marker = GuestMarker.find(console)
                    .orElseThrow(() -> new AssertionError("no complete marker line" + vm.diagnostics()));

            assertEquals(CPUS, marker.nproc(), "online CPUs" + vm.diagnostics());
            assertTrue(marker.memKib() <= MEMORY_KIB && marker.memKib() >= MEMORY_KIB_FLOOR,
                    "MemTotal " + marker.memKib() + " KiB for a 512 MiB guest" + vm.diagnostics());
            assertEquals(guest.kernelRelease(), marker.kernelRelease(), "kernel release");
            assertEquals(cmdline, marker.cmdline(), "the command line the kernel got" + vm.diagnostics());
            assertFalse(console.contains("VMBOOT-GUEST-POWEROFF-FAILED"), "poweroff -f failed" + vm.diagnostics());
            assertTrue(console.contains("reboot: Power down"), "the kernel powered off" + vm.diagnostics());
            assertEquals(0, status, "a clean guest power-off ends bin/vmboot boot with status 0" + vm.diagnostics());
        }
    }
}
