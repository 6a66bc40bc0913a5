package dev.vmboot.shell.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import dev.vmboot.api.boot.BootCandidate;
import dev.vmboot.api.scan.DiskReport;
import dev.vmboot.api.scan.VolumeReport;

/**
 * The autoboot menu's entries from a scan: UEFI flash images and PVH firmware first, then Linux kernels, each group
 * in the order scanned (disk, partition, the scanner's best first). Plain ELF files and unknown content are left out:
 * nothing boots them.
 */
final class BootCandidates {

    private BootCandidates() {
    }

    static List<MenuEntry> entries(List<DiskReport> reports) {
        List<MenuEntry> entries = new ArrayList<>();
        for (DiskReport disk : reports) {
            for (VolumeReport volume : disk.volumes()) {
                for (BootCandidate c : volume.candidates()) {
                    kind(c).ifPresent(k -> entries.add(MenuEntry.of(k, c, volume)));
                }
            }
        }
        entries.sort(Comparator.comparing(e -> !e.kind().firmware()));
        return entries;
    }

    /** What the menu calls a candidate; a PVH ELF named like a kernel (vmlinux...) is a kernel, else firmware. */
    static Optional<MenuEntry.Kind> kind(BootCandidate c) {
        switch (c.kind()) {
        case UEFI_FLASH:
            return Optional.of(MenuEntry.Kind.UEFI_FLASH);
        case BZIMAGE:
            return Optional.of(MenuEntry.Kind.LINUX_KERNEL);
        case PVH_ELF:
            return Optional.of(looksLikeKernel(fileName(c.path())) ? MenuEntry.Kind.LINUX_KERNEL
                    : MenuEntry.Kind.PVH_FIRMWARE);
        default:
            return Optional.empty();
        }
    }

    private static boolean looksLikeKernel(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.startsWith("vmlinu") || n.startsWith("bzimage") || n.startsWith("linux");
    }

    static String fileName(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
