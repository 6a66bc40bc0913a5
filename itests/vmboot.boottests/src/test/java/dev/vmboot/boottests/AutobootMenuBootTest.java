package dev.vmboot.boottests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/vmboot --autoboot} driven as a person at a terminal would: under a pseudo-terminal ({@code script(1)}),
 * so that the shell's jline terminal is real and the menu reads keys in raw mode. The disk is the demo disk of
 * scripts/run (platforms/qemu/guest/make-demo-disk.sh): OVMF.fd on an XFS partition, GRUB, Debian's kernel and the
 * test initramfs (prints {@link GuestMarker#PREFIX}, powers off) on the ESP. The countdown is shown and ticks, a key
 * stops it, 2 boots the kernel with the initrd found beside it; the guest powers off and the menu comes back, with
 * the entry booted last as its default; 1 boots OVMF, which boots GRUB and Linux from the disk; the guest powers off
 * and the menu comes back again; s leaves for the shell, whose exit ends vmboot with status 0.
 */
@Tag("kvm")
class AutobootMenuBootTest {
    /** Start-up (7-10 s in the lab), the scan, and a direct kernel boot to its power-off (10-20 s there). */
    private static final Duration TO_MENU = Duration.ofMinutes(3);
    /** OVMF, GRUB and Linux from the disk: 40-60 s under QEMU-KVM in the lab; several times that allowed. */
    private static final Duration TO_POWER_OFF = Duration.ofMinutes(8);
    private static final Duration TO_EXIT = Duration.ofMinutes(2);
    private static final String MENU = "vmboot autoboot: 2 boot candidates on 1 disk";
    private static final String AGAIN = "The guest powered off; the menu again.";

    private final BootTestEnvironment env = BootTestEnvironment.fromSystemProperties();

    @TempDir
    Path tmp;

    @Test
    void theMenuIsDrivenByKeysBootsEntryTwoAndReturnsWhenTheGuestPowersOff() throws Exception {
        GuestImages guest = GuestImages.prepare(env);
        Path disk = demoDisk(guest.bzImage().getParent(), tmp.resolve("disk.img"));
        Path state = tmp.resolve("state/last-booted");
        Path home = home(tmp.resolve("vmboot"),
                "disks=" + disk + "\ntimeout=30\nstateFile=" + state + "\n",
                "memory=512M\ncpus=1\n");
        // TERM: the lab's environment has none, and jline makes a dumb terminal (no raw mode) without it; a fresh
        // pseudo-terminal has no size, and jline would draw the shell's prompt in 0 columns.
        List<String> command = List.of("env", "TERM=vt100", "VMBOOT_LOG_LEVEL=warn", "script", "-q", "-e", "-c",
                "stty cols 80 rows 24; exec " + home.resolve("bin/vmboot") + " --autoboot", "/dev/null");
        try (VmbootProcess menu = VmbootProcess.run(command, env.transcriptDir(), "autoboot-menu")) {
            int shown = menu.awaitOutput(MENU, 0, TO_MENU);
            int counting = menu.awaitOutput("Booting 1 in 30 s; any key stops the countdown: 30", shown, TO_MENU);
            int ticked = menu.awaitOutput(" 29", counting, TO_MENU);
            menu.type("x");
            int stopped = menu.awaitOutput(" stopped.", ticked, TO_MENU);
            String screen = menu.output().substring(shown, stopped);
            assertTrue(screen.contains(" 1* UEFI flash    /firmware/OVMF.fd"), screen + menu.diagnostics());
            assertTrue(screen.contains(" 2  Linux kernel  /EFI/debian/vmlinuz + initrd.img"), screen);
            assertTrue(screen.contains(disk + ":1 xfs \"firmware\" "), screen);
            assertTrue(screen.contains("Default 1 (first firmware)"), screen);

            menu.type("2");
            int booting = menu.awaitOutput("Booting 2: Linux kernel " + disk + ":2:/EFI/debian/vmlinuz", stopped,
                    TO_MENU);
            int marker = menu.awaitOutput(GuestMarker.PREFIX, booting, TO_MENU);
            int again = menu.awaitOutput(AGAIN, marker, TO_MENU);
            GuestMarker guestLine = GuestMarker.find(menu.output().substring(booting, again))
                    .orElseThrow(() -> new AssertionError("no complete marker line" + menu.diagnostics()));
            assertEquals("console=ttyS0", guestLine.cmdline(), "the menu's kernel command line");
            assertEquals(guest.kernelRelease(), guestLine.kernelRelease());
            int second = menu.awaitOutput(MENU, again, TO_MENU);
            int keys = menu.awaitOutput("Keys: 1-2", second, TO_MENU);
            assertTrue(menu.output().substring(second, keys).contains("Default 2 (booted last)"),
                    menu.output().substring(second) + menu.diagnostics());
            assertEquals(1, count(menu.output(), "any key stops the countdown"), "the countdown runs once");
            assertTrue(Files.readString(state).endsWith("\t/EFI/debian/vmlinuz\n"), Files.readString(state));

            menu.type("1");
            int firmware = menu.awaitOutput("Booting 1: UEFI flash " + disk + ":1:/firmware/OVMF.fd", keys, TO_MENU);
            int fromDisk = menu.awaitOutput(GuestMarker.PREFIX, firmware, TO_POWER_OFF);
            int third = menu.awaitOutput(AGAIN, fromDisk, TO_POWER_OFF);
            assertTrue(menu.output().substring(fromDisk, third).contains("BOOT_IMAGE=/EFI/debian/vmlinuz console=ttyS0"
                    + " quiet"), "GRUB from the disk booted the kernel" + menu.diagnostics());
            menu.awaitOutput("Default 1 (booted last)", third, TO_MENU);

            assertFalse(ConsoleLines.of(menu.output()).contains("11"), "the terminal echoes no key the menu reads "
                    + "(raw mode before the menu shows): only the menu does" + menu.diagnostics());

            menu.type("s");
            int prompt = menu.awaitOutput("vmboot> ", third, TO_MENU);
            menu.type("exit\r");
            assertEquals(0, menu.awaitExit(TO_EXIT), "exit leaves vmboot with status 0" + menu.diagnostics());
            assertTrue(prompt > third);
        }
    }

    /**
     * Unattended: the preferred path makes the kernel the default, timeout 0 boots it at once, and when the guest
     * powers off the configured power-off command runs (here one that leaves a file, instead of powering the lab off);
     * then the shell.
     */
    @Test
    void withTimeoutZeroThePreferredEntryBootsAtOnceAndItsPowerOffRunsTheHostCommand() throws Exception {
        GuestImages guest = GuestImages.prepare(env);
        Path disk = demoDisk(guest.bzImage().getParent(), tmp.resolve("disk.img"));
        Path poweredOff = tmp.resolve("host-powered-off");
        Path home = home(tmp.resolve("vmboot"), "disks=" + disk + "\ntimeout=0\npreferredPaths=/EFI/*/vmlinuz\n"
                + "stateFile=" + tmp.resolve("last-booted") + "\nafterPowerOff=poweroff\npowerOffCommand=touch,"
                + poweredOff + "\n", "memory=512M\n");
        List<String> command = List.of("env", "TERM=vt100", "VMBOOT_LOG_LEVEL=warn", "script", "-q", "-e", "-c",
                "stty cols 80 rows 24; exec " + home.resolve("bin/vmboot") + " --autoboot", "/dev/null");
        try (VmbootProcess menu = VmbootProcess.run(command, env.transcriptDir(), "autoboot-unattended")) {
            int shown = menu.awaitOutput(MENU, 0, TO_MENU);
            int booting = menu.awaitOutput("Booting 2: Linux kernel", shown, TO_MENU);
            assertTrue(menu.output().substring(shown, booting).contains("Default 2 (preferred path /EFI/*/vmlinuz)"),
                    menu.output() + menu.diagnostics());
            int marker = menu.awaitOutput(GuestMarker.PREFIX, booting, TO_MENU);
            int ran = menu.awaitOutput("Ran touch " + poweredOff + " to power the host off.", marker, TO_MENU);
            assertTrue(Files.exists(poweredOff), "the power-off command ran" + menu.diagnostics());
            menu.awaitOutput("vmboot> ", ran, TO_MENU);
            assertFalse(menu.output().contains("countdown"), "timeout 0: no countdown");
            menu.type("exit\r");
            assertEquals(0, menu.awaitExit(TO_EXIT), menu.diagnostics());
        }
    }

    /** The demo disk, made by the script scripts/run makes it with. */
    private Path demoDisk(Path guestDir, Path out) throws IOException, InterruptedException {
        Path log = env.transcriptDir().resolve("autoboot-demo-disk.log");
        Files.createDirectories(env.transcriptDir());
        Process p = new ProcessBuilder(env.sourceRoot().resolve("platforms/qemu/guest/make-demo-disk.sh").toString(),
                guestDir.toString(), out.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IOException("make-demo-disk.sh did not finish within 5 min");
        }
        assertEquals(0, p.exitValue(), "make-demo-disk.sh: " + Files.readString(log));
        return out;
    }

    /**
     * A vmboot home of its own: bin/ and etc/ copied (with the menu's and the VM's configuration added), lib/ and
     * bundle/ linked to the distribution's, an empty deploy/.
     */
    private Path home(Path home, String bootCfg, String vmCfg) throws IOException {
        Path dist = env.launcher().getParent().getParent();
        for (String dir : List.of("bin", "etc")) {
            Files.createDirectories(home.resolve(dir));
            try (Stream<Path> files = Files.list(dist.resolve(dir))) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Files.copy(f, home.resolve(dir).resolve(f.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        Files.createSymbolicLink(home.resolve("lib"), dist.resolve("lib"));
        Files.createSymbolicLink(home.resolve("bundle"), dist.resolve("bundle"));
        Files.createDirectories(home.resolve("deploy"));
        Files.writeString(home.resolve("etc/dev.vmboot.boot.cfg"), bootCfg);
        Files.writeString(home.resolve("etc/dev.vmboot.vm.cfg"), vmCfg);
        return home;
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
