package dev.vmboot.shell.internal;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.vmboot.api.fs.FileSystem;
import dev.vmboot.api.fs.FileType;
import dev.vmboot.api.fs.FsNode;
import dev.vmboot.api.fs.FsPaths;
import dev.vmboot.api.scan.DiskScanner;
import dev.vmboot.api.scan.Location;

/**
 * Finds the initial ramdisk beside a kernel, by the names distributions give it: for {@code vmlinuz-6.1.0-13-amd64}
 * {@code initrd.img-6.1.0-13-amd64} (Debian), {@code initramfs-6.1.0-13-amd64.img} (Fedora, Arch) and the like; for
 * {@code vmlinuz} {@code initrd.img}. A handful of lookups in the kernel's directory, read-only; no listing.
 */
final class InitrdFinder {
    private static final Logger LOG = LoggerFactory.getLogger(InitrdFinder.class);
    private static final List<String> KERNEL_PREFIXES = List.of("vmlinuz", "vmlinux", "bzImage", "linux");

    private final DiskScanner scanner;

    InitrdFinder(DiskScanner scanner) {
        this.scanner = scanner;
    }

    /** The entry with its initrd, if it is a kernel and one lies beside it. */
    MenuEntry withInitrd(MenuEntry entry) {
        if (entry.kind() != MenuEntry.Kind.LINUX_KERNEL) {
            return entry;
        }
        String path = entry.path();
        String dir = path.substring(0, path.lastIndexOf('/') + 1);
        try (FileSystem fs = scanner.openFileSystem(Location.parse(entry.candidate().location()))) {
            for (String name : names(BootCandidates.fileName(path))) {
                Optional<String> found = regularFile(fs, dir + name);
                if (found.isPresent()) {
                    return entry.withInitrd(found.get());
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("no initrd looked up beside {}: {}", entry.location(), e.getMessage());
        }
        return entry;
    }

    /** The names an initrd of KERNEL may have, most likely first. */
    static Set<String> names(String kernel) {
        String suffix = "";
        for (String prefix : KERNEL_PREFIXES) {
            if (kernel.startsWith(prefix)) {
                suffix = kernel.substring(prefix.length());
                break;
            }
        }
        Set<String> names = new LinkedHashSet<>();
        names.add("initrd.img" + suffix);
        String version = suffix.startsWith("-") ? suffix : suffix.isEmpty() ? "" : "-" + suffix;
        names.add("initramfs" + version + ".img");
        names.add("initrd" + version + ".img");
        names.add("initramfs" + version);
        names.add("initrd" + version);
        return names;
    }

    private static Optional<String> regularFile(FileSystem fs, String path) throws IOException {
        try {
            FsNode node = FsPaths.resolve(fs, path, true);
            return node.type() == FileType.REGULAR ? Optional.of(path) : Optional.empty();
        } catch (NoSuchFileException | NotDirectoryException e) {
            return Optional.empty();
        }
    }
}
