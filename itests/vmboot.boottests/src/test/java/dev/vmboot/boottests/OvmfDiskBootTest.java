package dev.vmboot.boottests;

import static dev.vmboot.boottests.GuestDisks.MIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's OVMF.fd with a virtio disk ({@code boot -p firmware --disk esp.img OVMF.fd}): a GPT disk with a FAT32 EFI
 * system partition made by platforms/qemu/guest/make-disk.sh. OVMF's virtio-blk driver must find it, its partition
 * and FAT drivers must read it, and its boot manager must boot from it.
 * <p>
 * What OVMF does with such a disk (seen under QEMU-KVM, -machine pc, virtio-blk-pci with disable-legacy=on): its boot
 * manager (BdsDxe) makes a boot option "UEFI Misc Device" for the disk and tries it before "EFI Internal Shell"; that
 * option loads the removable-media path \EFI\BOOT\BOOTX64.EFI, without load options. So a kernel placed there boots
 * with an empty command line (no console, no initrd), and startup.nsh never runs. Only without BOOTX64.EFI ("failed to
 * load Boot0001 ... Not Found") does the shell start, count down 5 s and run startup.nsh from FS0:. The tests use both
 * layouts as they really work: GRUB as BOOTX64.EFI booting the kernel with its initrd and command line (the firmware
 * boots the OS installed on the disk), and a startup.nsh that starts the kernel's EFI stub with initrd= and console=.
 * <p>
 * With {@code -Dvmboot.reference=qemu} the same boots run under QEMU-KVM ({@link QemuReference}).
 */
@Tag("kvm")
class OvmfDiskBootTest {

    private static final Path OVMF = Path.of("/usr/share/ovmf/OVMF.fd");
    private static final int ESP_MIB = 64;
    /** make-disk.sh's partition: GUID, first sector 2048, 126976 sectors (62 MiB) */
    private static final String PARTITION_NODE = "HD(1,GPT,8A4E2F61-3B7C-4D95-A1E8-6C2D0F9B7E34,0x800,0x1F000)";
    /** The disk's node in a device path; its PCI slot is the VMM's choice (QEMU: 0x2 on pc), so it is not checked. */
    private static final String PCI_NODE = "PciRoot\\(0x0\\)/Pci\\(0x[0-9A-F]+,0x[0-9A-F]+\\)";

    /**
     * QEMU-KVM in the lab: 26 s to startup.nsh's output, 40-60 s to the kernel's init (through GRUB or startup.nsh);
     * vmboot gets several times that, bounded so that these three tests end within the lab's hour.
     */
    private static final Duration TO_SHELL = Duration.ofMinutes(6);
    private static final Duration TO_MARKER = Duration.ofMinutes(6);
    private static final Duration TO_EXIT = Duration.ofMinutes(3);

    private static BootTestEnvironment env;
    private static GuestImages guest;

    @TempDir
    Path dir;

    @BeforeAll
    static void prepareGuest() throws Exception {
        assertTrue(Files.isRegularFile(OVMF), OVMF + " is missing: apt-get install ovmf");
        env = BootTestEnvironment.fromSystemProperties();
        guest = GuestImages.prepare(env);
    }

    /**
     * An ESP without BOOTX64.EFI: the shell starts, runs the disk's startup.nsh, and {@code map -r} lists the disk as
     * a block device and its partition as FS0: with the partition's GPT entry in the device path.
     */
    @Test
    void theShellMapsTheVirtioDiskAndRunsItsStartupScript() throws Exception {
        Path esp = GuestDisks.esp(env, dir.resolve("esp.img"), ESP_MIB,
                Map.of("startup.nsh", GuestDisks.text(dir, "startup.nsh", "echo VMBOOT-ESP-STARTUP\r\n")));
        try (VmbootProcess vm = QemuReference.boot(env, "ovmf-esp-shell", List.of("-p", "firmware", "-m", "512M",
                "-c", "1", "--disk", esp.toString(), OVMF.toString()))) {
            // the shell echoes the script's command line first ("Shell> echo VMBOOT-ESP-STARTUP"): the output is the
            // line that holds the marker alone
            int ran = vm.awaitOutput("\nVMBOOT-ESP-STARTUP\r\n", 0, TO_SHELL);
            int prompt = vm.awaitOutput("Shell> ", ran, TO_SHELL);
            vm.type("map -r\r");
            int table = vm.awaitOutput("Mapping table", prompt, TO_SHELL);
            int next = vm.awaitOutput("Shell> ", table, TO_SHELL);
            String map = String.join("\n", ConsoleLines.of(vm.output().substring(table, next)));

            assertTrue(Pattern.compile("^ +FS0: Alias\\(s\\):HD\\d+[a-z]:;BLK\\d+:\n +" + PCI_NODE + "/"
                    + Pattern.quote(PARTITION_NODE) + "$", Pattern.MULTILINE).matcher(map).find(),
                    "FS0: is the ESP on the virtio disk:\n" + map + vm.diagnostics());
            assertTrue(Pattern.compile("^ +BLK\\d+: Alias\\(s\\):\n +" + PCI_NODE + "$", Pattern.MULTILINE)
                    .matcher(map).find(), "a block device for the whole disk:\n" + map + vm.diagnostics());

            vm.type("reset -s\r");
            int status = vm.awaitExit(TO_EXIT);
            assertEquals(0, status, "reset -s powers the VM off" + vm.diagnostics());
        }
    }

    /**
     * GRUB (standalone, prepare.sh's grubx64.efi) as \EFI\BOOT\BOOTX64.EFI: the firmware's boot manager starts it
     * without the shell, GRUB reads \EFI\BOOT\grub.cfg and boots the kernel with its initrd from the ESP. Linux then
     * reads the same virtio disk whole (its own driver, after the firmware's): it must be the image the host has.
     */
    @Test
    void theFirmwareBootsGrubFromTheDiskAndGrubBootsLinux() throws Exception {
        String options = "console=ttyS0 quiet vmboot.test=grub-esp vmboot.disk=sha256";
        String grubCfg = """
                set timeout=0
                set timeout_style=hidden
                menuentry 'Debian GNU/Linux (vmboot test)' {
                    linux /EFI/debian/vmlinuz %s
                    initrd /EFI/debian/initrd.img
                }
                """.formatted(options);
        Map<String, Path> files = new LinkedHashMap<>();
        files.put("EFI/BOOT/BOOTX64.EFI", guest.grubEfi());
        files.put("EFI/BOOT/grub.cfg", GuestDisks.text(dir, "grub.cfg", grubCfg));
        files.put("EFI/debian/vmlinuz", guest.bzImage());
        files.put("EFI/debian/initrd.img", guest.initramfs());
        Path esp = GuestDisks.esp(env, dir.resolve("esp.img"), ESP_MIB, files);

        String console = bootToInit("ovmf-esp-grub", esp,
                "BOOT_IMAGE=/EFI/debian/vmlinuz " + options);   // GRUB puts the kernel's path first

        assertFalse(console.contains("UEFI Interactive Shell"), "the firmware booted the disk, not the shell");
        assertTrue(ConsoleLines.has(console, "VMBOOT-DISK dev=vda sha256=" + GuestDisks.sha256(esp) + " bytes="
                + ESP_MIB * MIB), "Linux read the ESP's disk whole: " + ConsoleLines.starting(console, "VMBOOT-DISK"));
    }

    /**
     * The kernel elsewhere on the ESP (\EFI\debian\vmlinuz, no BOOTX64.EFI): the shell runs startup.nsh, which starts
     * the kernel's EFI stub with initrd= (the stub loads it from the same FAT volume) and console=.
     */
    @Test
    void aStartupScriptStartsTheKernelOnTheDiskWithItsInitrd() throws Exception {
        String command = "\\EFI\\debian\\vmlinuz initrd=\\EFI\\debian\\initrd.img console=ttyS0 quiet vmboot.test=nsh";
        Map<String, Path> files = new LinkedHashMap<>();
        files.put("EFI/debian/vmlinuz", guest.bzImage());
        files.put("EFI/debian/initrd.img", guest.initramfs());
        files.put("startup.nsh", GuestDisks.text(dir, "startup.nsh", command + "\r\n"));
        Path esp = GuestDisks.esp(env, dir.resolve("esp.img"), ESP_MIB, files);

        // The shell passes its whole command line as the load options, the image's path included.
        String console = bootToInit("ovmf-esp-nsh", esp, command);

        assertTrue(console.contains("UEFI Interactive Shell"), "the shell ran the script");
    }

    /** Boots OVMF with ESP as its disk to the init's marker; checks the command line and a clean power-off. */
    private static String bootToInit(String name, Path esp, String cmdline) throws Exception {
        try (VmbootProcess vm = QemuReference.boot(env, name, List.of("-p", "firmware", "-m", "512M", "-c", "1",
                "--disk", esp.toString(), OVMF.toString()))) {
            vm.awaitOutput(GuestMarker.PREFIX, TO_MARKER);
            int status = vm.awaitExit(TO_EXIT);
            String console = vm.output();
            GuestMarker marker = GuestMarker.find(console)
                    .orElseThrow(() -> new AssertionError("no complete marker line" + vm.diagnostics()));
            assertEquals(cmdline, marker.cmdline(), "the command line the kernel got" + vm.diagnostics());
            assertEquals(guest.kernelRelease(), marker.kernelRelease(), "kernel release");
            assertTrue(console.contains("reboot: Power down"), "the kernel powered off" + vm.diagnostics());
            assertEquals(0, status, "the guest's power-off ends the VMM with status 0" + vm.diagnostics());
            return console;
        }
    }
}
