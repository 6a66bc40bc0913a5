package dev.vmboot.storage.internal.partition;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import dev.vmboot.api.fs.CorruptFilesystemException;
import dev.vmboot.api.storage.BlockDevice;
import dev.vmboot.api.storage.Partition;
import dev.vmboot.api.storage.PartitionScheme;
import dev.vmboot.api.storage.PartitionTable;

/**
 * Decides what divides a disk: a GPT (found by its protective MBR or its header signature), a classic MBR, or nothing
 * (a filesystem on the whole device, including FAT "superfloppies" whose boot sector also ends in 0x55AA).
 */
public final class PartitionTableReader {
    /** ISO 9660 §8.1: volume descriptors start at byte 32768; "CD001" follows the type byte. */
    private static final long ISO9660_DESCRIPTOR = 32768;
    private static final byte[] ISO9660_ID = {'C', 'D', '0', '0', '1'};

    private PartitionTableReader() {
    }

    /** Whether the device holds an ISO 9660 volume descriptor set at 32 KiB (an ISO image, hybrid or not). */
    public static boolean hasIso9660(BlockDevice disk) throws IOException {
        if (disk.size() < ISO9660_DESCRIPTOR + 2048) {
            return false;
        }
        byte[] id = disk.readBytes(ISO9660_DESCRIPTOR + 1, ISO9660_ID.length);
        return java.util.Arrays.equals(id, ISO9660_ID);
    }

    /**
     * Reads the partition table of {@code disk}.
     *
     * @throws CorruptFilesystemException if a table is present but unusable (both GPT headers bad, an EBR loop, an
     *                                    MBR none of whose partitions lies on the disk)
     */
    public static PartitionTable read(BlockDevice disk) throws IOException {
        List<String> warnings = new ArrayList<>();
        if (disk.size() < MasterBootRecord.SIZE) {
            return new PartitionTable(PartitionScheme.NONE, "", List.of(), warnings);
        }
        byte[] sector0 = disk.readBytes(0, MasterBootRecord.SIZE);
        boolean iso = hasIso9660(disk);
        MasterBootRecord mbr = null;
        String mbrProblem = "";
        try {
            mbr = MasterBootRecord.parse(sector0, 0, iso);
        } catch (CorruptFilesystemException e) {
            mbrProblem = e.getMessage();
        }

        int deviceSectorSize = disk.logicalSectorSize();
        int gptSectorSize = gptSectorSize(disk, deviceSectorSize);
        boolean protective = mbr != null && mbr.hasProtectiveEntry();
        boolean classicEntries = mbr != null && mbr.entries().stream().anyMatch(e -> !e.isEmpty());
        // Like Linux (block/partitions/efi.c without "gpt" on the command line): a GPT header next to a classic MBR
        // without a protective entry is a leftover from an earlier GPT, and the MBR wins.
        if (protective || gptSectorSize > 0 && !classicEntries) {
            int sectorSize = gptSectorSize > 0 ? gptSectorSize : deviceSectorSize;
            if (sectorSize != deviceSectorSize) {
                warnings.add("GPT header found with " + sectorSize + "-byte sectors on a device with "
                        + deviceSectorSize + "-byte sectors; using " + sectorSize);
            }
            if (mbr == null) {
                warnings.add("GPT without a valid protective MBR"
                        + (mbrProblem.isEmpty() ? "" : " (" + mbrProblem + ")"));
            } else if (!protective) {
                warnings.add("GPT, but the MBR has no partitions at all (not even the protective 0xEE one)");
            } else if (!mbr.nonProtectiveEntries().isEmpty()) {
                warnings.add("hybrid MBR: it lists " + mbr.nonProtectiveEntries().size()
                        + " partition(s) besides the GPT protective one; using the GPT");
            }
            GptPartitions.Result gpt;
            if (gptSectorSize > 0) {
                gpt = GptPartitions.read(disk, sectorSize, warnings);
            } else {
                gpt = backupOnly(disk, deviceSectorSize, warnings);
            }
            return new PartitionTable(PartitionScheme.GPT, gpt.header().diskGuid(), gpt.partitions(), warnings);
        }
        if (classicEntries) {
            if (gptSectorSize > 0) {
                warnings.add("a GPT header at LBA 1 is ignored: the MBR has no protective (0xEE) partition, so the"
                        + " GPT is a leftover");
            }
            List<Partition> partitions = MbrPartitions.read(disk, mbr, deviceSectorSize, iso, warnings);
            if (iso) {
                warnings.add("ISO 9660 hybrid image: its MBR partitions are listed, the ISO filesystem is the"
                        + " whole disk");
            }
            return new PartitionTable(PartitionScheme.MBR, String.format("%08x", mbr.diskSignature()), partitions,
                    warnings);
        }
        return new PartitionTable(PartitionScheme.NONE, "", List.of(), warnings);
    }

    /**
     * A protective MBR but no primary header signature at either sector size: the backup header decides which
     * sector size the disk was written with.
     */
    private static GptPartitions.Result backupOnly(BlockDevice disk, int deviceSectorSize, List<String> warnings)
            throws IOException {
        List<String> attempt = new ArrayList<>();
        try {
            GptPartitions.Result r = GptPartitions.read(disk, deviceSectorSize, attempt);
            warnings.addAll(attempt);
            return r;
        } catch (CorruptFilesystemException first) {
            int other = deviceSectorSize == 512 ? 4096 : 512;
            attempt.clear();
            try {
                GptPartitions.Result r = GptPartitions.read(disk, other, attempt);
                warnings.add("GPT backup header found with " + other + "-byte sectors on a device with "
                        + deviceSectorSize + "-byte sectors; using " + other);
                warnings.addAll(attempt);
                return r;
            } catch (CorruptFilesystemException second) {
                throw first;
            }
        }
    }

    /** The sector size at which LBA 1 holds "EFI PART": the device's own, else the other of 512/4096; 0 if none. */
    private static int gptSectorSize(BlockDevice disk, int deviceSectorSize) throws IOException {
        int other = deviceSectorSize == 512 ? 4096 : 512;
        for (int size : new int[] {deviceSectorSize, other}) {
            if (disk.size() >= 3L * size
                    && GptHeader.hasSignature(disk.readBytes(size, GptHeader.SIGNATURE.length))) {
                return size;
            }
        }
        return 0;
    }
}
