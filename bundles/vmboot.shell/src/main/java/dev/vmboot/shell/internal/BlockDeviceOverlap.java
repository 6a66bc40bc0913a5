package dev.vmboot.shell.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;

/**
 * Which block devices share blocks, as sysfs tells: {@code /sys/dev/block/MAJOR:MINOR} links to the device's
 * directory, and a partition's directory lies inside its disk's (sysfs-rules.rst; Documentation/ABI/stable/sysfs-dev).
 */
final class BlockDeviceOverlap {
    private final Path sys;

    /** @param sys where sysfs is mounted: {@code /sys} */
    BlockDeviceOverlap(Path sys) {
        this.sys = sys;
    }

    /**
     * Whether two block device nodes are the same device, or one is a partition of the other. Nodes that are no
     * block devices, or that sysfs does not know, share nothing.
     */
    boolean overlap(Path a, Path b) {
        Optional<Path> da = device(a);
        Optional<Path> db = device(b);
        if (da.isEmpty() || db.isEmpty()) {
            return false;
        }
        return da.get().startsWith(db.get()) || db.get().startsWith(da.get());
    }

    /** The sysfs directory of a block device node. */
    private Optional<Path> device(Path node) {
        try {
            if (!Files.readAttributes(node, BasicFileAttributes.class).isOther()) {
                return Optional.empty();
            }
            long rdev = (Long) Files.getAttribute(node, "unix:rdev");
            Path link = sys.resolve("dev/block/" + major(rdev) + ":" + minor(rdev));
            return Files.exists(link) ? Optional.of(link.toRealPath()) : Optional.empty();
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** glibc's gnu_dev_major (bits/sysmacros.h): bits 8-19 and 44-63 of a dev_t. */
    static long major(long rdev) {
        return ((rdev & 0x00000000000fff00L) >>> 8) | ((rdev & 0xfffff00000000000L) >>> 32);
    }

    /** glibc's gnu_dev_minor (bits/sysmacros.h): bits 0-7 and 20-43 of a dev_t. */
    static long minor(long rdev) {
        return (rdev & 0x00000000000000ffL) | ((rdev & 0x00000ffffff00000L) >>> 12);
    }
}
