package dev.vmboot.boottests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** vmboot's boot arguments as the QEMU-KVM command line the disk tests are checked against. */
class QemuReferenceTest {

    private static final List<String> BASE = List.of("qemu-system-x86_64", "-accel", "kvm", "-machine", "pc",
            "-cpu", "host", "-m", "512M", "-smp", "1", "-nodefaults", "-no-user-config", "-display", "none",
            "-serial", "stdio", "-no-reboot");

    @Test
    void aLinuxBootWithTwoDisksInOrder() {
        List<String> expected = new ArrayList<>(BASE);
        expected.addAll(List.of("-kernel", "/g/vmlinuz", "-initrd", "/g/initrd", "-append", "console=ttyS0 a=b",
                "-drive", "file=/d/one.img,if=none,id=disk0,format=raw,readonly=on",
                "-device", "virtio-blk-pci,drive=disk0,disable-legacy=on",
                "-drive", "file=/d/t,,wo.img,if=none,id=disk1,format=raw",
                "-device", "virtio-blk-pci,drive=disk1,disable-legacy=on"));
        assertEquals(expected, QemuReference.command(List.of("-p", "linux", "-m", "512M", "-c", "1",
                "-i", "/g/initrd", "-a", "console=ttyS0 a=b", "--disk", "/d/one.img,ro", "--disk", "/d/t,wo.img",
                "/g/vmlinuz")));
    }

    @Test
    void firmwareIsTheBios() {
        List<String> expected = new ArrayList<>(BASE);
        expected.addAll(List.of("-bios", "/o/OVMF.fd", "-drive", "file=/d/esp.img,if=none,id=disk0,format=raw",
                "-device", "virtio-blk-pci,drive=disk0,disable-legacy=on"));
        assertEquals(expected, QemuReference.command(List.of("-p", "firmware", "-m", "512M", "-c", "1",
                "--disk", "/d/esp.img", "/o/OVMF.fd")));
    }

    @Test
    void anOptionWithoutTranslationIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> QemuReference.command(List.of("-p", "firmware",
                "--on-reset", "reboot", "/o/OVMF.fd")));
        assertThrows(IllegalArgumentException.class, () -> QemuReference.command(List.of("/o/OVMF.fd")),
                "QEMU needs the protocol named");
    }
}
