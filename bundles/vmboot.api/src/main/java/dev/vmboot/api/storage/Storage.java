package dev.vmboot.api.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/** Finds and opens disks, read-only, and reads their partition tables. */
@ProviderType
public interface Storage {

    /** Block devices of this machine, whole disks and partitions, with a size greater than zero. */
    List<DiskInfo> discover() throws IOException;

    /** Opens an image file or a block device node read-only. */
    BlockDevice open(Path path) throws IOException;

    /**
     * Reads the partition table of a disk. A disk with no recognisable table gives {@link PartitionScheme#NONE} and
     * no partitions.
     *
     * @throws dev.vmboot.api.fs.CorruptFilesystemException if a table is present but unusable
     */
    PartitionTable partitions(BlockDevice disk) throws IOException;
}
