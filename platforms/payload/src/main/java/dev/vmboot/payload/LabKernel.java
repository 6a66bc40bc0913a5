package dev.vmboot.payload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Debian's kernel as the nested lab's setup (platforms/qemu/lab/setup.sh) leaves it in its cache: the package
 * unpacked in {@code VERSION/image}, and beside it {@code kvm-amd-HASH.ko}, kvm-amd rebuilt with the CR8 intercept
 * fix that booting under QEMU's TCG needs.
 *
 * @param tree      the unpacked package (boot/vmlinuz-VERSION, lib/modules/VERSION)
 * @param overrides the rebuilt modules that replace the stock ones (the newest kvm-amd-*.ko, if any)
 */
public record LabKernel(Path tree, List<Path> overrides) {
    public LabKernel {
        overrides = List.copyOf(overrides);
    }

    /** The newest kernel version in CACHE (the one setup.sh last unpacked). */
    public static LabKernel find(Path cache) throws IOException {
        Path version;
        try (Stream<Path> s = Files.list(cache)) {
            version = s.filter(p -> Files.isDirectory(p.resolve("image/lib/modules")))
                    .max(Comparator.comparing(LabKernel::abi).thenComparing(p -> p.getFileName().toString()))
                    .orElseThrow(() -> new IOException(cache + " holds no unpacked kernel: run "
                            + "platforms/qemu/guest/prepare.sh (it sets up the lab's cache)"));
        }
        Optional<Path> kvmAmd;
        try (Stream<Path> s = Files.list(version)) {
            kvmAmd = s.filter(p -> p.getFileName().toString().matches("kvm-amd-[0-9a-f]+\\.ko"))
                    .max(Comparator.comparing(LabKernel::mtime));
        }
        return new LabKernel(version.resolve("image"), kvmAmd.stream().toList());
    }

    /** The ABI number of a Debian kernel version ("6.1.0-50-amd64" gives 50), 0 if there is none. */
    private static long abi(Path versionDir) {
        String[] parts = versionDir.getFileName().toString().split("-");
        try {
            return parts.length > 1 ? Long.parseLong(parts[1]) : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static long mtime(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }
}
