package dev.vmboot.boottests;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the tests find what they run: the built distribution, the source tree (for the guest-image scripts), and
 * where they write. Set by the module's pom as system properties.
 */
record BootTestEnvironment(Path vmbootHome, Path sourceRoot, Path guestFallbackDir, Path transcriptDir) {

    static BootTestEnvironment fromSystemProperties() {
        return new BootTestEnvironment(path("vmboot.home"), path("vmboot.source.root"),
                path("vmboot.guest.fallback"), path("vmboot.transcripts"));
    }

    /** bin/vmboot of the distribution; fails with what to do when it has not been built. */
    Path launcher() {
        Path bin = vmbootHome.resolve("bin/vmboot");
        if (!Files.isExecutable(bin)) {
            throw new IllegalStateException(bin + " is missing: build the distribution first (mvn -B install)");
        }
        return bin;
    }

    private static Path path(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property " + property + " is not set (run through Maven)");
        }
        return Path.of(value).toAbsolutePath().normalize();
    }
}
