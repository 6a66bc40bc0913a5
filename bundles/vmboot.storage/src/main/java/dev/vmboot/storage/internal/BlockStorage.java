package dev.vmboot.storage.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.osgi.service.component.annotations.Component;

import dev.vmboot.api.storage.BlockDevice;
import dev.vmboot.api.storage.DiskInfo;
import dev.vmboot.api.storage.FileBlockDevice;
import dev.vmboot.api.storage.PartitionTable;
import dev.vmboot.api.storage.Storage;
import dev.vmboot.storage.internal.partition.PartitionTableReader;

/**
 * Disks of this machine from {@code /sys/class/block}, image files and device nodes opened read-only, and their
 * partition tables.
 */
@Component(service = Storage.class)
public class BlockStorage implements Storage {
    /** {@code S_IFMT} and {@code S_IFBLK}, {@code <sys/stat.h>}. */
    private static final int S_IFMT = 0xF000;
    private static final int S_IFBLK = 0x6000;

    private final SysfsBlockDevices sysfs;

    public BlockStorage() {
        this(new SysfsBlockDevices(Path.of("/sys"), Path.of("/dev")));
    }

    /** For tests: a fake sysfs tree. */
    public BlockStorage(SysfsBlockDevices sysfs) {
        this.sysfs = sysfs;
    }

    @Override
    public List<DiskInfo> discover() throws IOException {
        return sysfs.discover();
    }

    @Override
    public BlockDevice open(Path path) throws IOException {
        if (isBlockDevice(path)) {
            String name = path.toRealPath().getFileName().toString();
            Optional<DiskInfo> info = sysfs.find(name);
            if (info.isEmpty()) {
                throw new IOException(path + ": block device " + name + " is not listed in /sys/class/block"
                        + " (or has size 0)");
            }
            return FileBlockDevice.open(path, info.get().size(), info.get().logicalSectorSize());
        }
        if (!Files.isRegularFile(path)) {
            throw new IOException(path + ": " + (Files.exists(path) ? "not an image file or block device"
                    : "no such file"));
        }
        return FileBlockDevice.open(path);
    }

    @Override
    public PartitionTable partitions(BlockDevice disk) throws IOException {
        return PartitionTableReader.read(disk);
    }

    private static boolean isBlockDevice(Path path) {
        try {
            Object mode = Files.getAttribute(path, "unix:mode");
            return mode instanceof Integer m && (m & S_IFMT) == S_IFBLK;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }
}
