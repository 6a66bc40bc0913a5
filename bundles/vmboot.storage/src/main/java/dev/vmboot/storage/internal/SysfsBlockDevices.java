package dev.vmboot.storage.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.vmboot.api.storage.DiskInfo;

/**
 * The block devices the kernel lists in {@code /sys/class/block} (Documentation/ABI/stable/sysfs-block): each entry
 * links to the device's directory, with {@code size} in 512-byte units, {@code removable}, a {@code partition} file
 * for partitions (whose directory lies inside the disk's) and {@code queue/logical_block_size} on whole disks.
 */
public final class SysfsBlockDevices {
    private static final Logger LOG = LoggerFactory.getLogger(SysfsBlockDevices.class);
    /** The {@code size} attribute counts 512-byte sectors whatever the device's sector size (include/linux/blkdev.h SECTOR_SHIFT). */
    private static final int SYSFS_SECTOR = 512;
    /** A PCI function's sysfs directory: {@code <domain>:<bus>:<device>.<function>}. */
    private static final Pattern PCI_ADDRESS = Pattern.compile("[0-9a-f]{4,}:[0-9a-f]{2}:[0-9a-f]{2}\\.[0-7]");
    private static final Pattern PCI_ID = Pattern.compile("0x[0-9a-fA-F]{4}");
    /** Levels walked up from a block device towards its PCI function. */
    private static final int MAX_PARENT_STEPS = 24;

    private final Path sysRoot;
    private final Path devRoot;

    /** @param sysRoot the sysfs mount ({@code /sys}); @param devRoot where device nodes live ({@code /dev}) */
    public SysfsBlockDevices(Path sysRoot, Path devRoot) {
        this.sysRoot = sysRoot;
        this.devRoot = devRoot;
    }

    /** Whole disks and partitions with a size greater than zero, ordered by name. */
    public List<DiskInfo> discover() throws IOException {
        Path classBlock = sysRoot.resolve("class/block");
        List<DiskInfo> found = new ArrayList<>();
        if (!Files.isDirectory(classBlock)) {
            return found;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(classBlock)) {
            for (Path entry : entries) {
                try {
                    describe(entry).ifPresent(found::add);
                } catch (IOException | RuntimeException e) {
                    LOG.debug("skipping {}: {}", entry, e.toString());
                }
            }
        }
        found.sort(Comparator.comparing(DiskInfo::name));
        return found;
    }

    /** The sysfs description of the device named {@code name} ({@code sda}, {@code nvme0n1p2}), if listed. */
    public Optional<DiskInfo> find(String name) throws IOException {
        Path entry = sysRoot.resolve("class/block").resolve(name);
        return Files.isDirectory(entry) && !name.contains("/") ? describe(entry) : Optional.empty();
    }

    private Optional<DiskInfo> describe(Path entry) throws IOException {
        String name = entry.getFileName().toString();
        Path dir = entry.toRealPath();
        long sectors = readLong(dir.resolve("size")).orElse(0L);
        if (sectors <= 0) {
            return Optional.empty();
        }
        boolean partition = Files.exists(dir.resolve("partition"));
        Path disk = partition ? dir.getParent() : dir;
        int logical = readLong(disk.resolve("queue/logical_block_size")).map(Long::intValue).orElse(SYSFS_SECTOR);
        boolean removable = readLong(disk.resolve("removable")).orElse(0L) != 0;
        return Optional.of(new DiskInfo(name, devRoot.resolve(name), sectors * SYSFS_SECTOR, logical, removable,
                partition, pciId(disk)));
    }

    /** {@code vendor:device} of the PCI function the disk hangs off, found by walking up from its {@code device} link. */
    private Optional<String> pciId(Path disk) throws IOException {
        Path link = disk.resolve("device");
        if (!Files.exists(link)) {
            return Optional.empty();
        }
        Path stop = sysRoot.toRealPath();
        Path p = link.toRealPath();
        for (int i = 0; i < MAX_PARENT_STEPS && p != null && p.startsWith(stop) && !p.equals(stop); i++) {
            if (PCI_ADDRESS.matcher(p.getFileName().toString()).matches()) {
                Optional<String> vendor = readText(p.resolve("vendor")).filter(v -> PCI_ID.matcher(v).matches());
                Optional<String> device = readText(p.resolve("device")).filter(v -> PCI_ID.matcher(v).matches());
                if (vendor.isPresent() && device.isPresent()) {
                    return Optional.of(vendor.get().substring(2).toLowerCase() + ":"
                            + device.get().substring(2).toLowerCase());
                }
            }
            p = p.getParent();
        }
        return Optional.empty();
    }

    private static Optional<Long> readLong(Path file) throws IOException {
        Optional<String> text = readText(file);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(text.get()));
        } catch (NumberFormatException e) {
            throw new IOException(file + ": not a number: '" + text.get() + "'");
        }
    }

    private static Optional<String> readText(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        byte[] bytes = Files.readAllBytes(file);
        return Optional.of(new String(bytes, 0, Math.min(bytes.length, 256), StandardCharsets.US_ASCII).trim());
    }
}
