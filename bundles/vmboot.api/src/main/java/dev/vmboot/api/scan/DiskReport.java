package dev.vmboot.api.scan;

import java.util.List;
import java.util.Optional;

import dev.vmboot.api.storage.PartitionTable;

/**
 * What a scan found on one disk.
 *
 * @param name              disk or image name
 * @param size              bytes
 * @param logicalSectorSize bytes
 * @param table             its partition table, empty if it could not be read
 * @param volumes           one report per partition (or one for an unpartitioned disk)
 * @param error             why the disk could not be read, empty when it was
 */
public record DiskReport(String name, long size, int logicalSectorSize, Optional<PartitionTable> table,
        List<VolumeReport> volumes, Optional<String> error) {
    public DiskReport {
        volumes = List.copyOf(volumes);
    }
}
