package dev.vmboot.storage.internal.partition;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.vmboot.api.fs.CorruptFilesystemException;
import dev.vmboot.api.storage.BlockDevice;
import dev.vmboot.api.storage.Partition;
import dev.vmboot.api.storage.PartitionScheme;

/**
 * The partitions of an MBR disk: primary entries numbered 1–4 by slot, and the logical partitions of the first
 * extended partition numbered from 5 in chain order, as Linux numbers them ({@code block/partitions/msdos.c}).
 *
 * <p>Each EBR holds one logical partition (relative to the EBR) and a link to the next EBR (relative to the start of
 * the extended partition). The walk is bounded and a chain that comes back to an EBR already seen is corrupt.
 */
final class MbrPartitions {
    /** First number Linux gives a logical partition. */
    static final int FIRST_LOGICAL = 5;
    /** Most logical partitions followed; Linux allows 256 partitions per disk (DISK_MAX_PARTS). */
    static final int MAX_LOGICAL = 252;

    private MbrPartitions() {
    }

    static List<Partition> read(BlockDevice disk, MasterBootRecord mbr, int sectorSize, boolean isoHybrid,
            List<String> warnings) throws IOException {
        long diskSectors = disk.size() / sectorSize;
        List<Partition> partitions = new ArrayList<>();
        int used = 0;
        int inside = 0;
        MbrPartitionEntry extended = null;
        for (MbrPartitionEntry e : mbr.entries()) {
            if (e.isEmpty()) {
                continue;
            }
            used++;
            int number = e.slot() + 1;
            if (e.endLba() > diskSectors) {
                warnings.add("MBR partition " + number + " (LBA " + e.firstLba() + " + " + e.sectors()
                        + ") extends past the end of the disk (" + diskSectors + " sectors); skipped");
                continue;
            }
            inside++;
            if (MbrPartitionTypes.isExtended(e.type())) {
                if (extended == null) {
                    extended = e;
                } else {
                    warnings.add("MBR partition " + number + " is a second extended partition; ignored");
                }
                continue;
            }
            partitions.add(partition(mbr.diskSignature(), number, e, e.firstLba(), sectorSize));
        }
        if (used > 0 && inside == 0) {
            throw new CorruptFilesystemException("MBR partition table", 446, "none of its " + used
                    + " entries lies inside the disk (" + diskSectors + " sectors)");
        }
        if (!isoHybrid) {
            warnOverlaps(partitions, warnings);
        }
        if (extended != null) {
            readLogical(disk, mbr.diskSignature(), extended, sectorSize, partitions, warnings);
        }
        return partitions;
    }

    private static void readLogical(BlockDevice disk, long diskSignature, MbrPartitionEntry extended,
            int sectorSize, List<Partition> partitions, List<String> warnings) throws IOException {
        long extStart = extended.firstLba();
        long extEnd = extended.endLba();
        Set<Long> seen = new HashSet<>();
        long ebrLba = extStart;
        int number = FIRST_LOGICAL;
        for (int step = 0; step <= MAX_LOGICAL; step++) {
            if (!seen.add(ebrLba)) {
                throw new CorruptFilesystemException("EBR chain", ebrLba * sectorSize,
                        "loops back to the EBR at LBA " + ebrLba + " after " + step + " EBRs");
            }
            if (step == MAX_LOGICAL) {
                throw new CorruptFilesystemException("EBR chain", ebrLba * sectorSize, "more than " + MAX_LOGICAL
                        + " logical partitions");
            }
            long byteOffset = ebrLba * sectorSize;
            MasterBootRecord ebr;
            try {
                ebr = MasterBootRecord.parse(disk.readBytes(byteOffset, MasterBootRecord.SIZE), byteOffset, true);
            } catch (CorruptFilesystemException e) {
                warnings.add("EBR at LBA " + ebrLba + " is not valid (" + e.getMessage()
                        + "); logical partitions stop there");
                return;
            }
            long next = -1;
            for (MbrPartitionEntry e : ebr.entries()) {
                if (e.isEmpty()) {
                    continue;
                }
                if (MbrPartitionTypes.isExtended(e.type())) {
                    if (next < 0) {
                        next = extStart + e.firstLba();
                    }
                    continue;
                }
                long first = ebrLba + e.firstLba();
                if (first + e.sectors() > extEnd) {
                    warnings.add("logical partition " + number + " (LBA " + first + " + " + e.sectors()
                            + ") extends past its extended partition (ends at LBA " + extEnd + "); skipped");
                } else {
                    partitions.add(partition(diskSignature, number, e, first, sectorSize));
                }
                number++;
            }
            if (next < 0) {
                return;
            }
            if (!seen.contains(next) && (next < extStart || next >= extEnd)) {
                warnings.add("EBR at LBA " + ebrLba + " links to LBA " + next
                        + ", outside its extended partition; logical partitions stop there");
                return;
            }
            ebrLba = next;
        }
    }

    private static Partition partition(long diskSignature, int number, MbrPartitionEntry e, long firstLba,
            int sectorSize) {
        return new Partition(number, PartitionScheme.MBR, firstLba * sectorSize, e.sectors() * sectorSize,
                String.format("0x%02X", e.type()), MbrPartitionTypes.name(e.type()), "",
                String.format("%08x-%02x", diskSignature, number), e.active());
    }

    private static void warnOverlaps(List<Partition> partitions, List<String> warnings) {
        for (int i = 0; i < partitions.size(); i++) {
            for (int j = i + 1; j < partitions.size(); j++) {
                Partition a = partitions.get(i);
                Partition b = partitions.get(j);
                if (a.offset() < b.offset() + b.length() && b.offset() < a.offset() + a.length()) {
                    warnings.add("MBR partitions " + a.number() + " and " + b.number() + " overlap");
                }
            }
        }
    }
}
