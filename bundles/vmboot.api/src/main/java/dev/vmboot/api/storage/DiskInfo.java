package dev.vmboot.api.storage;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A block device found on this machine (from {@code /sys/class/block}).
 *
 * @param name              kernel name, {@code sda}, {@code nvme0n1p2}
 * @param devicePath        {@code /dev/<name>}
 * @param size              bytes
 * @param logicalSectorSize bytes per logical sector
 * @param removable         the kernel's removable flag
 * @param partition         true for a partition of another disk
 * @param pciId             {@code vendor:device} of the PCI function behind it ({@code 8086:a352}), if any
 */
public record DiskInfo(String name, Path devicePath, long size, int logicalSectorSize, boolean removable,
        boolean partition, Optional<String> pciId) {
}
