package dev.vmboot.shell.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.vmboot.api.boot.BootCandidate;
import dev.vmboot.api.boot.Compression;
import dev.vmboot.api.boot.ImageKind;
import dev.vmboot.api.scan.DiskReport;
import dev.vmboot.api.scan.VolumeReport;
import dev.vmboot.api.storage.Partition;
import dev.vmboot.api.storage.PartitionScheme;

/** Scan results like the demo disk's, built by hand, and settings for the menu's tests. */
final class MenuFixtures {
    static final String DISK = "disk.img";
    static final String FIRMWARE_GUID = "A7490844-C390-4E82-9431-D6130B850274";
    static final String ESP_GUID = "AD5F45B5-B08A-4AED-A466-2B377BF6A0A5";

    private MenuFixtures() {
    }

    static Partition partition(int number, String label, String guid) {
        return new Partition(number, PartitionScheme.GPT, number * (1L << 20), 300L << 20,
                "0FC63DAF-8483-4772-8E79-3D69D8477DE4", "Linux filesystem", label, guid, false);
    }

    static BootCandidate candidate(int partition, String path, ImageKind kind, long size) {
        return new BootCandidate(DISK + ":" + partition, path, kind, Compression.NONE, size, 0);
    }

    /** The demo disk: OVMF.fd on an XFS partition 1 "firmware", a kernel on the ESP, partition 2. */
    static List<DiskReport> demoDisk() {
        VolumeReport xfs = new VolumeReport(DISK + ":1", Optional.of(partition(1, "firmware", FIRMWARE_GUID)),
                Optional.of("xfs"), "demo", "u1",
                List.of(candidate(1, "/firmware/OVMF.fd", ImageKind.UEFI_FLASH, 2L << 20)), Optional.empty());
        VolumeReport esp = new VolumeReport(DISK + ":2", Optional.of(partition(2, "EFI system partition", ESP_GUID)),
                Optional.of("vfat"), "DEMO-ESP", "u2",
                List.of(candidate(2, "/EFI/debian/vmlinuz", ImageKind.BZIMAGE, 8L << 20),
                        candidate(2, "/EFI/debian/vmlinux.elf", ImageKind.ELF, 30L << 20)),
                Optional.empty());
        return List.of(new DiskReport(DISK, 366L << 20, 512, Optional.empty(), List.of(xfs, esp),
                Optional.empty()));
    }

    /** A disk whose one partition holds COUNT UEFI flash images. */
    static List<DiskReport> manyCandidates(int count) {
        List<BootCandidate> candidates = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            candidates.add(candidate(1, "/firmware/OVMF-" + i + ".fd", ImageKind.UEFI_FLASH, 2L << 20));
        }
        VolumeReport v = new VolumeReport(DISK + ":1", Optional.of(partition(1, "firmware", FIRMWARE_GUID)),
                Optional.of("xfs"), "", "", candidates, Optional.empty());
        return List.of(new DiskReport(DISK, 1L << 30, 512, Optional.empty(), List.of(v), Optional.empty()));
    }

    /** The defaults, with these settings changed (as a .cfg file would give them: strings). */
    static AutobootSettings settings(Path home, Map<String, String> changes) {
        return AutobootSettings.from(ConfigurationView.of(AutobootConfiguration.class, changes), home);
    }
}
