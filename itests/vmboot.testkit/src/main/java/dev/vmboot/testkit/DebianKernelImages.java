package dev.vmboot.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Debian's own kernel images, for tests that check vmboot against the real thing: the guest images the lab helper
 * (platforms/qemu/guest/prepare.sh) unpacks under {@value #LAB_GUEST_CACHE}/&lt;release&gt;-&lt;hash&gt;/ ({@code vmlinuz},
 * the {@code vmlinux} extracted from it, marked complete by {@code .done}), and this machine's /boot/vmlinuz-*. Each
 * lookup is empty where neither exists, so the test can skip with the reason.
 */
public final class DebianKernelImages {
    public static final String LAB_GUEST_CACHE = "/var/cache/vmboot-lab/guest";

    private DebianKernelImages() {
    }

    /** A complete lab guest directory holding both {@code vmlinuz} and {@code vmlinux}. */
    public static Optional<Path> labGuestDirectory() {
        for (Path d : entries(Path.of(LAB_GUEST_CACHE))) {
            if (Files.isRegularFile(d.resolve(".done")) && Files.isRegularFile(d.resolve("vmlinuz"))
                    && Files.isRegularFile(d.resolve("vmlinux"))) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    /** The lab's {@code vmlinux}: an ELF with the PVH entry note. */
    public static Optional<Path> vmlinux() {
        return labGuestDirectory().map(d -> d.resolve("vmlinux"));
    }

    /** A readable bzImage: the lab's {@code vmlinuz}, else one from /boot. */
    public static Optional<Path> bzImage() {
        Optional<Path> lab = labGuestDirectory().map(d -> d.resolve("vmlinuz"));
        if (lab.isPresent()) {
            return lab;
        }
        for (Path p : entries(Path.of("/boot"))) {
            if (p.getFileName().toString().startsWith("vmlinuz") && Files.isRegularFile(p) && Files.isReadable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private static List<Path> entries(Path dir) {
        List<Path> list = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return list;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            s.forEach(list::add);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        list.sort(null);
        return list;
    }
}
