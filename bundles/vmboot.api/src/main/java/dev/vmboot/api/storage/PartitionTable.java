package dev.vmboot.api.storage;

import java.util.List;

/**
 * The partitions of a disk.
 *
 * @param scheme     the table found ({@link PartitionScheme#NONE} when there is none)
 * @param diskId     the GPT disk GUID or the MBR disk signature in hex; empty for none
 * @param partitions the partitions, ordered by number
 * @param warnings   what a person should know, such as "primary GPT header corrupt, using the backup"
 */
public record PartitionTable(PartitionScheme scheme, String diskId, List<Partition> partitions, List<String> warnings) {
    public PartitionTable {
        partitions = List.copyOf(partitions);
        warnings = List.copyOf(warnings);
    }
}
