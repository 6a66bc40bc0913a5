package dev.vmboot.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.vmboot.api.boot.BootCandidate;
import dev.vmboot.api.boot.Compression;
import dev.vmboot.api.boot.ImageKind;
import dev.vmboot.api.scan.DiskReport;
import dev.vmboot.api.scan.VolumeReport;
import dev.vmboot.api.storage.Partition;
import dev.vmboot.api.storage.PartitionScheme;
import dev.vmboot.api.storage.PartitionTable;

class ScanReportFormatTest {

    private static List<DiskReport> sample() {
        Partition esp = new Partition(1, PartitionScheme.GPT, 1 << 20, 64L << 20,
                "C12A7328-F81F-11D2-BA4B-00A0C93EC93B", "EFI System", "ESP", "0F0E-01", false);
        Partition data = new Partition(2, PartitionScheme.GPT, 65L << 20, 1L << 30,
                "0FC63DAF-8483-4772-8E79-3D69D8477DE4", "Linux filesystem", "data \"x\"", "0F0E-02", false);
        VolumeReport v1 = new VolumeReport("disk.img:1", Optional.of(esp), Optional.of("vfat"), "EFI", "1234-ABCD",
                List.of(new BootCandidate("disk.img:1", "/OVMF.fd", ImageKind.UEFI_FLASH, Compression.NONE,
                        2 << 20, 100)), Optional.empty());
        VolumeReport v2 = new VolumeReport("disk.img:2", Optional.of(data), Optional.empty(), "", "", List.of(),
                Optional.of("no installed reader recognises it (tried vfat)"));
        PartitionTable table = new PartitionTable(PartitionScheme.GPT, "11111111-2222-3333-4444-555555555555",
                List.of(esp, data), List.of("primary GPT header corrupt, using the backup"));
        return List.of(new DiskReport("disk.img", 2L << 30, 512, Optional.of(table), List.of(v1, v2),
                Optional.empty()));
    }

    @Test
    void tableShowsPartitionsFilesystemsCandidatesAndErrors() {
        String t = ScanReportFormat.table(sample());
        assertTrue(t.startsWith("disk.img  2.0 GiB  sector 512  GPT 11111111-2222-3333-4444-555555555555\n"), t);
        assertTrue(t.contains("warning: primary GPT header corrupt, using the backup"), t);
        assertTrue(t.contains("EFI System"), t);
        assertTrue(t.contains("vfat"), t);
        assertTrue(t.contains("boot: /OVMF.fd"), t);
        assertTrue(t.contains("UEFI_FLASH"), t);
        assertTrue(t.contains("error: no installed reader recognises it (tried vfat)"), t);
        assertTrue(t.contains("unknown"), t);
        assertTrue(t.endsWith("  partial: 1 of 2 volumes could not be read (error: above)\n"), t);
    }

    @Test
    void jsonIsCompleteAndEscaped() {
        String j = ScanReportFormat.json(sample());
        assertTrue(j.contains("\"location\": \"disk.img:1:/OVMF.fd\""), j);
        assertTrue(j.contains("\"label\": \"data \\\"x\\\"\""), j);
        assertTrue(j.contains("\"filesystem\": null"), j);
        assertTrue(j.contains("\"size\": 2147483648"), j);
        assertTrue(j.contains("\"unreadVolumes\": 1,"), j);
        assertEquals('[', j.charAt(0));
    }

    @Test
    void noDisks() {
        assertEquals("no disks found\n", ScanReportFormat.table(List.of()));
        assertEquals("[]\n", ScanReportFormat.json(List.of()));
    }
}
