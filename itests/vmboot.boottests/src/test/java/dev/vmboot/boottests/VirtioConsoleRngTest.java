package dev.vmboot.boottests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * virtio-console and virtio-rng seen from a Linux guest: Debian's kernel booted directly ("linux" protocol) with the
 * test initramfs, whose /init loads the kernel's own virtio_console and virtio-rng modules and, as vmboot.console=hvc0
 * and vmboot.hwrng=N ask, moves to /dev/hvc0 or reads /dev/hwrng (platforms/qemu/guest/make-initramfs.sh), printing
 * one exact line each.
 */
@Tag("kvm")
class VirtioConsoleRngTest {

    /** As DebianKernelBootTest's: the kernel's boot under TCG-nested KVM, plus loading the modules. */
    private static final Duration TO_MARKER = Duration.ofMinutes(8);
    private static final Duration TO_EXIT = Duration.ofMinutes(3);

    private static BootTestEnvironment env;
    private static GuestImages guest;

    @BeforeAll
    static void prepareGuest() throws Exception {
        env = BootTestEnvironment.fromSystemProperties();
        guest = GuestImages.prepare(env);
    }

    /**
     * With console=hvc0 alone the kernel's console is virtio-console's port 0: the init switches to /dev/hvc0 and
     * everything after, the typed line read back and the marker, travels over it; --console virtio gives the guest
     * the keys typed into bin/vmboot's standard input.
     */
    @Test
    void aGuestWithConsoleHvc0PrintsAndReadsThroughTheVirtioConsole() throws Exception {
        String cmdline = "console=hvc0 quiet vmboot.console=hvc0 vmboot.echo=1";
        String line = "typed for hvc0 0123456789 ~!@#$%^&*()_+";
        try (VmbootProcess vm = VmbootProcess.boot(env, "virtio-console", List.of("-p", "linux", "-m", "512M",
                "-c", "1", "--console", "virtio,100x40", "-i", guest.initramfs().toString(), "-a", cmdline,
                guest.bzImage().toString()))) {
            vm.awaitOutput("VMBOOT-GUEST-READY", TO_MARKER);
            vm.type(line + "\r");   // hvc0's tty turns CR into NL (ICRNL), as a terminal's Enter key
            vm.awaitOutput(GuestMarker.PREFIX, TO_EXIT);
            int status = vm.awaitExit(TO_EXIT);
            String console = vm.output();

            assertTrue(ConsoleLines.has(console, "VMBOOT-CONSOLE dev=hvc0 active=hvc0 size=40 100"),
                    "the init moved to hvc0, the kernel's only console, 100x40 as --console said" + vm.diagnostics());
            assertTrue(console.contains("\nVMBOOT-GUEST-ECHO " + line + "\r\n"),
                    "the guest read back exactly the typed line over hvc0" + vm.diagnostics());
            GuestMarker marker = GuestMarker.find(console)
                    .orElseThrow(() -> new AssertionError("no complete marker line" + vm.diagnostics()));
            assertEquals(cmdline, marker.cmdline(), "the command line the kernel got" + vm.diagnostics());
            assertEquals(0, status, "clean power-off" + vm.diagnostics());
        }
    }

    /** The entropy device is there by default: the guest reads 4096 bytes of /dev/hwrng from virtio-rng. */
    @Test
    void aGuestReadsItsHwrngFromTheDefaultEntropyDevice() throws Exception {
        String console = bootToInit("virtio-rng", "console=ttyS0 quiet vmboot.hwrng=4096");
        assertTrue(ConsoleLines.has(console, "VMBOOT-HWRNG bytes=4096 rng=virtio_rng.0"),
                "the guest's hwrng lines: " + ConsoleLines.starting(console, "VMBOOT-HWRNG"));
    }

    /** --no-rng: no generator behind the guest's /dev/hwrng. */
    @Test
    void withoutTheEntropyDeviceTheGuestHasNoHwrng() throws Exception {
        String console = bootToInit("no-rng", "console=ttyS0 quiet vmboot.hwrng=4096 vmboot.disk.wait=3",
                "--no-rng");
        assertTrue(ConsoleLines.has(console, "VMBOOT-HWRNG bytes=0 rng=none"),
                "the guest's hwrng lines: " + ConsoleLines.starting(console, "VMBOOT-HWRNG"));
    }

    private String bootToInit(String name, String cmdline, String... options) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("-p", "linux", "-m", "512M", "-c", "1",
                "-i", guest.initramfs().toString(), "-a", cmdline));
        args.addAll(List.of(options));
        args.add(guest.bzImage().toString());
        try (VmbootProcess vm = VmbootProcess.boot(env, name, args)) {
            vm.awaitOutput(GuestMarker.PREFIX, TO_MARKER);
            int status = vm.awaitExit(TO_EXIT);
            String console = vm.output();
            assertEquals(0, status, "a clean guest power-off ends the VMM with status 0" + vm.diagnostics());
            return console;
        }
    }
}
