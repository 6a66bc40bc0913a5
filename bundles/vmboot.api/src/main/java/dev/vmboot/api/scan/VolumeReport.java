package dev.vmboot.api.scan;

import java.util.List;
import java.util.Optional;

import dev.vmboot.api.boot.BootCandidate;
import dev.vmboot.api.storage.Partition;

/**
 * What a scan found in one partition (or an unpartitioned disk).
 *
 * @param location   {@code disk:partition}
 * @param partition  the partition, empty for a whole unpartitioned disk
 * @param fsType     the filesystem type, empty if no installed reader recognised it
 * @param label      filesystem label
 * @param uuid       filesystem UUID
 * @param candidates boot candidates, best first
 * @param error      why this volume could not be read (corrupt, unknown), empty when it was
 */
public record VolumeReport(String location, Optional<Partition> partition, Optional<String> fsType, String label,
        String uuid, List<BootCandidate> candidates, Optional<String> error) {
    public VolumeReport {
        candidates = List.copyOf(candidates);
    }
}
