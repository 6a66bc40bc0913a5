package dev.vmboot.storage.internal.partition;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import dev.vmboot.api.fs.CorruptFilesystemException;
import dev.vmboot.api.storage.BlockDevice;
import dev.vmboot.api.storage.Partition;
import dev.vmboot.api.storage.PartitionScheme;

/**
 * Reads a GPT the way UEFI 2.10 §5.3.2 asks firmware to: the primary header at LBA 1 and its entry array, both
 * checked against their CRC32s; if either is bad, the backup header at the last LBA and its own entry array.
 */
final class GptPartitions {

    /** The header chosen and its partitions. */
    record Result(GptHeader header, List<Partition> partitions) {
    }

    private GptPartitions() {
    }

    static Result read(BlockDevice disk, int sectorSize, List<String> warnings) throws IOException {
        long lastLba = disk.size() / sectorSize - 1;
        if (lastLba < 2) {
            throw new CorruptFilesystemException("GPT", -1, "the disk is too small (" + disk.size()
                    + " bytes) for a GPT with " + sectorSize + "-byte sectors");
        }
        GptHeader header;
        byte[] array;
        try {
            header = header(disk, 1, lastLba, sectorSize);
            array = entryArray(disk, header, sectorSize);
        } catch (CorruptFilesystemException primary) {
            try {
                header = header(disk, lastLba, lastLba, sectorSize);
                array = entryArray(disk, header, sectorSize);
            } catch (CorruptFilesystemException backup) {
                throw new CorruptFilesystemException("GPT", -1, "both headers are unusable: " + primary.getMessage()
                        + "; " + backup.getMessage());
            }
            warnings.add(primary.getMessage() + "; using the backup GPT header at LBA " + lastLba);
            return new Result(header, partitions(header, array, lastLba, sectorSize, warnings));
        }
        checkBackup(disk, header, lastLba, sectorSize, warnings);
        return new Result(header, partitions(header, array, lastLba, sectorSize, warnings));
    }

    private static GptHeader header(BlockDevice disk, long lba, long lastLba, int sectorSize) throws IOException {
        long offset = lba * sectorSize;
        return GptHeader.parse(disk.readBytes(offset, sectorSize), lba, lastLba, offset);
    }

    private static byte[] entryArray(BlockDevice disk, GptHeader header, int sectorSize) throws IOException {
        long offset = header.partitionEntryLba() * sectorSize;
        byte[] array = disk.readBytes(offset, header.entryArrayBytes());
        header.verifyEntryArray(array, offset);
        return array;
    }

    /** A primary that is fine but whose backup is damaged or misplaced is worth a warning, not a failure. */
    private static void checkBackup(BlockDevice disk, GptHeader primary, long lastLba, int sectorSize,
            List<String> warnings) throws IOException {
        if (primary.alternateLba() != lastLba) {
            warnings.add("the primary GPT header places its backup at LBA "
                    + Long.toUnsignedString(primary.alternateLba()) + ", not at the last LBA " + lastLba
                    + " (disk resized?)");
            return;
        }
        try {
            header(disk, lastLba, lastLba, sectorSize);
        } catch (CorruptFilesystemException e) {
            warnings.add(e.getMessage() + " (the primary is fine)");
        }
    }

    private static List<Partition> partitions(GptHeader header, byte[] array, long lastLba, int sectorSize,
            List<String> warnings) {
        List<Partition> partitions = new ArrayList<>();
        for (int i = 0; i < header.numberOfEntries(); i++) {
            int at = i * header.entrySize();
            if (GptPartitionEntry.isUnused(array, at)) {
                continue;
            }
            GptPartitionEntry e = GptPartitionEntry.parse(array, at);
            int number = i + 1;
            if (e.firstLba() < 0 || e.lastLba() < e.firstLba() || e.lastLba() > lastLba) {
                warnings.add("GPT partition " + number + " (LBA " + Long.toUnsignedString(e.firstLba()) + ".."
                        + Long.toUnsignedString(e.lastLba()) + ") does not lie inside the disk (last LBA " + lastLba
                        + "); skipped");
                continue;
            }
            if (e.firstLba() < header.firstUsableLba() || e.lastLba() > header.lastUsableLba()) {
                warnings.add("GPT partition " + number + " lies outside the usable LBAs "
                        + header.firstUsableLba() + ".." + header.lastUsableLba());
            }
            partitions.add(new Partition(number, PartitionScheme.GPT, e.firstLba() * sectorSize,
                    (e.lastLba() - e.firstLba() + 1) * sectorSize, e.typeGuid(), GptPartitionTypes.name(e.typeGuid()),
                    e.name(), e.uniqueGuid(), (e.attributes() & GptPartitionEntry.LEGACY_BIOS_BOOTABLE) != 0));
        }
        return partitions;
    }
}
