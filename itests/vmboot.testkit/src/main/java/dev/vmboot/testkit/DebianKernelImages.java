package dev.vmboot.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Debian's own kernel images, for tests that check vmboot against the real thing: the guest images
 * platforms/qemu/guest/prepare.sh unpacks under {@code ${VMBOOT_LAB_CACHE:-/var/cache/vmboot-lab}/guest/<release>-<hash>/}
 * ({@code vmlinuz}, the {@code vmlinux} extracted from it, marked complete by {@code .done}), and for a bzImage also
 * this machine's /boot/vmlinuz-*.
 *
 * <p>Where they are missing a lookup fails, saying how to get them: the README promises these tests, and
 * {@code scripts/test} runs prepare.sh before the build so that they run on a fresh machine instead of being skipped.
 */
public final class DebianKernelImages {
    /** The lab scripts' cache unless VMBOOT_LAB_CACHE names another (platforms/qemu/lab/setup.sh, guest/prepare.sh). */
    static final String DEFAULT_LAB_CACHE = "/var/cache/vmboot-lab";
    private static final String HOW_TO_GET_THEM = "platforms/qemu/guest/prepare.sh fetches Debian's kernel and makes "
            + "them (scripts/test runs it before the build)";

    private final Path guestCache;
    private final Path boot;

    private DebianKernelImages(Path guestCache, Path boot) {
        this.guestCache = guestCache;
        this.boot = boot;
    }

    /** The images of this machine: the lab's cache as the scripts find it, and /boot. */
    public static DebianKernelImages onThisMachine() {
        return at(labCache(System.getenv()), Path.of("/boot"));
    }

    /** The images in LABCACHE{@code /guest} and BOOT. */
    static DebianKernelImages at(Path labCache, Path boot) {
        return new DebianKernelImages(labCache.resolve("guest"), boot);
    }

    /** The lab scripts' cache: VMBOOT_LAB_CACHE if it is set and not empty, else {@value #DEFAULT_LAB_CACHE}. */
    static Path labCache(Map<String, String> environment) {
        String set = environment.get("VMBOOT_LAB_CACHE");
        return Path.of(set == null || set.isEmpty() ? DEFAULT_LAB_CACHE : set);
    }

    /**
     * A complete lab guest directory holding both {@code vmlinuz} and {@code vmlinux}.
     *
     * @throws IllegalStateException if there is none, saying how to make one
     */
    public Path labGuestDirectory() {
        return completeGuestDirectory().orElseThrow(() -> new IllegalStateException("no complete vmlinuz/vmlinux "
                + "pair in " + guestCache + "/*/ (.done written last): " + HOW_TO_GET_THEM));
    }

    /** The lab's {@code vmlinux}: an ELF with the PVH entry note. */
    public Path vmlinux() {
        return labGuestDirectory().resolve("vmlinux");
    }

    /**
     * A readable bzImage: the lab's {@code vmlinuz}, else one from /boot.
     *
     * @throws IllegalStateException if there is neither, saying how to get one
     */
    public Path bzImage() {
        Optional<Path> lab = completeGuestDirectory().map(d -> d.resolve("vmlinuz"));
        if (lab.isPresent()) {
            return lab.get();
        }
        for (Path p : entries(boot)) {
            if (p.getFileName().toString().startsWith("vmlinuz") && Files.isRegularFile(p) && Files.isReadable(p)) {
                return p;
            }
        }
        throw new IllegalStateException("no Debian bzImage, neither in " + guestCache + "/*/vmlinuz nor as " + boot
                + "/vmlinuz-*: " + HOW_TO_GET_THEM);
    }

    private Optional<Path> completeGuestDirectory() {
        for (Path d : entries(guestCache)) {
            if (Files.isRegularFile(d.resolve(".done")) && Files.isRegularFile(d.resolve("vmlinuz"))
                    && Files.isRegularFile(d.resolve("vmlinux"))) {
                return Optional.of(d);
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
