package dev.vmboot.virtio.blk.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.vmboot.api.storage.BlockDevice;
import dev.vmboot.api.storage.DiskInfo;
import dev.vmboot.api.storage.FileBlockDevice;
import dev.vmboot.api.storage.PartitionTable;
import dev.vmboot.api.storage.Storage;

/**
 * The storage service as the factory uses it: {@link #open} sizes an image file, or, with a logical block size set,
 * reports it as a block device of that sector size would be reported (the sysfs path needs real devices).
 */
final class ImageStorage implements Storage {
    private final int logicalBlockSize;
    int opened;

    ImageStorage() {
        this(0);
    }

    /** @param logicalBlockSize 0 for an image file, else the sector size of a pretended block device */
    ImageStorage(int logicalBlockSize) {
        this.logicalBlockSize = logicalBlockSize;
    }

    @Override
    public List<DiskInfo> discover() {
        return List.of();
    }

    @Override
    public BlockDevice open(Path path) throws IOException {
        opened++;
        return logicalBlockSize == 0 ? FileBlockDevice.open(path)
                : FileBlockDevice.open(path, Files.size(path), logicalBlockSize);
    }

    @Override
    public PartitionTable partitions(BlockDevice disk) {
        throw new UnsupportedOperationException();
    }
}
