package dev.vmboot.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.vmboot.api.boot.ImageKind;
import dev.vmboot.api.scan.VolumeReport;

class MenuScreenTest {
    @Test
    void whatADiskHoldsIsShownInPrintableAsciiWithinEightyColumns() {
        String hostile = "/EFI/\u001b[2J\u00e9vil\n" + "x".repeat(300) + ".fd";
        VolumeReport v = new VolumeReport("disk.img:1", Optional.of(MenuFixtures.partition(1, "la\u0007bel\u2028",
                "GUID")), Optional.of("vfat"), "", "", List.of(), Optional.empty());
        MenuEntry e = MenuEntry.of(MenuEntry.Kind.UEFI_FLASH, MenuFixtures.candidate(1, hostile, ImageKind.UEFI_FLASH,
                1L << 20), v);

        String screen = MenuScreen.render(List.of(e), 1, 1, new BootPolicy.Choice(0, "first firmware"));

        assertTrue(screen.lines().allMatch(l -> l.length() <= MenuScreen.WIDTH), screen);
        assertTrue(screen.chars().allMatch(c -> c == '\n' || (c >= 0x20 && c < 0x7f)), screen);
        assertTrue(screen.contains(" 1* UEFI flash    ...xxxxx"), screen);
        assertTrue(screen.contains("xxx.fd    1.0 MiB\n"), screen);
        assertTrue(screen.contains("      disk.img:1 vfat \"la?bel?\" GUID\n"), screen);
        assertTrue(screen.startsWith("vmboot autoboot: 1 boot candidate on 1 disk\n"), screen);
        assertTrue(screen.endsWith("Default 1 (first firmware)\nKeys: 1 boot that entry, Enter the default, e edit,"
                + " s shell\n"), screen);
    }

    @Test
    void printableKeepsAsciiAndBoundsTheLength() {
        assertEquals("a?b?c", MenuScreen.printable("a\tb\u00ffc"));
        assertEquals(256, MenuScreen.printable("y".repeat(10_000)).length());
    }

    @Test
    void kernelsComeAfterFirmwareAndPlainElfIsLeftOut() {
        List<MenuEntry> entries = BootCandidates.entries(MenuFixtures.demoDisk());
        assertEquals(List.of(MenuEntry.Kind.UEFI_FLASH, MenuEntry.Kind.LINUX_KERNEL),
                entries.stream().map(MenuEntry::kind).toList());
        assertEquals(Optional.of(MenuEntry.Kind.PVH_FIRMWARE),
                BootCandidates.kind(MenuFixtures.candidate(1, "/CLOUDHV.fd", ImageKind.PVH_ELF, 1)));
        assertEquals(Optional.of(MenuEntry.Kind.LINUX_KERNEL),
                BootCandidates.kind(MenuFixtures.candidate(1, "/boot/vmlinux-6.1", ImageKind.PVH_ELF, 1)));
    }
}
