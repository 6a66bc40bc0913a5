package dev.vmboot.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.vmboot.api.boot.BootCandidate;
import dev.vmboot.api.boot.Compression;
import dev.vmboot.api.boot.ImageKind;
import dev.vmboot.api.scan.VolumeReport;

class InitrdFinderTest {
    private static MenuEntry kernel(String path) {
        VolumeReport v = new VolumeReport("disk.img:2", Optional.empty(), Optional.of("vfat"), "", "", List.of(),
                Optional.empty());
        return MenuEntry.of(MenuEntry.Kind.LINUX_KERNEL, new BootCandidate("disk.img:2", path,
                ImageKind.BZIMAGE, Compression.NONE, 1, 0), v);
    }

    @Test
    void theNamesDistributionsGiveAnInitrd() {
        assertEquals(List.of("initrd.img-6.1.0-13-amd64", "initramfs-6.1.0-13-amd64.img",
                "initrd-6.1.0-13-amd64.img", "initramfs-6.1.0-13-amd64", "initrd-6.1.0-13-amd64"),
                List.copyOf(InitrdFinder.names("vmlinuz-6.1.0-13-amd64")));
        assertEquals(List.of("initrd.img", "initramfs.img", "initramfs", "initrd"),
                List.copyOf(InitrdFinder.names("vmlinuz")));
        assertEquals("initramfs-linux.img", List.copyOf(InitrdFinder.names("vmlinuz-linux")).get(1));
    }

    @Test
    void theFirstNamePresentBesideTheKernelIsTaken() {
        InMemoryDisk disk = new InMemoryDisk("disk.img").file("vmlinuz-6.1", new byte[1])
                .file("initramfs-6.1.img", new byte[2]).file("initrd-6.1", new byte[3]);

        MenuEntry found = new InitrdFinder(disk).withInitrd(kernel("/vmlinuz-6.1"));

        assertEquals(Optional.of("/initramfs-6.1.img"), found.initrd());
        assertEquals(Optional.of("disk.img:2:/initramfs-6.1.img"), found.initrdLocation());
    }

    @Test
    void withoutOneOrForFirmwareTheEntryStaysAsItWas() {
        InMemoryDisk disk = new InMemoryDisk("disk.img").file("vmlinuz", new byte[1]);
        assertEquals(Optional.empty(), new InitrdFinder(disk).withInitrd(kernel("/vmlinuz")).initrd());
        assertEquals(Optional.empty(), new InitrdFinder(disk).withInitrd(kernel("/boot/vmlinuz")).initrd());
        MenuEntry firmware = new MenuEntry(MenuEntry.Kind.UEFI_FLASH, kernel("/vmlinuz").candidate(),
                Optional.empty(), "vfat", Optional.empty());
        InMemoryDisk untouched = new InMemoryDisk("disk.img");
        assertEquals(firmware, new InitrdFinder(untouched).withInitrd(firmware));
        assertEquals(List.of(), untouched.opened);
    }
}
