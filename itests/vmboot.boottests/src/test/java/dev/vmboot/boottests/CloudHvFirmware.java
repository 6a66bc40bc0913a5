package dev.vmboot.boottests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * EDK2's CloudHv firmware, {@code CLOUDHV.fd}: the file system property {@value #PROPERTY} names, or else what
 * {@code platforms/qemu/firmware/build-cloudhv.sh} prints (it builds the firmware from Debian's edk2 source once and
 * caches it; later runs only print the cached path, also inside the nested lab, where the cache is read-only and
 * nothing can be built). Every way of not getting the firmware is an error that says what to do, never a skip.
 */
final class CloudHvFirmware {

    /** A CLOUDHV.fd to use instead of the build script's (-Dvmboot.cloudhv.firmware=PATH on the Maven command). */
    static final String PROPERTY = "vmboot.cloudhv.firmware";
    static final String SCRIPT = "platforms/qemu/firmware/build-cloudhv.sh";
    /**
     * Bounds the script: a build from nothing took 3.5 min on 2 cores (the script's header), plus installing the
     * build packages on a fresh machine; a cached firmware is printed at once.
     */
    private static final long BUILD_TIMEOUT_MINUTES = 30;
    /** The part of the build log a failure shows. */
    private static final int LOG_TAIL_LINES = 40;

    private CloudHvFirmware() {
    }

    static Path locate(BootTestEnvironment env) throws IOException, InterruptedException {
        String property = System.getProperty(PROPERTY);
        if (property != null && !property.isBlank()) {
            Path given = Path.of(property).toAbsolutePath();
            if (!Files.isRegularFile(given) || Files.size(given) == 0) {
                throw new IOException("-D" + PROPERTY + "=" + property + " is not a CloudHv firmware file");
            }
            return given;
        }
        Path script = env.sourceRoot().resolve(SCRIPT);
        Files.createDirectories(env.transcriptDir());
        Path log = env.transcriptDir().resolve("cloudhv-build.log");
        Path printed = env.transcriptDir().resolve("cloudhv-build.out");
        // Both streams go to files, so that the timeout holds even if the script hangs with its output open.
        Process p = new ProcessBuilder(script.toString())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(printed.toFile())
                .redirectError(log.toFile())
                .start();
        if (!p.waitFor(BUILD_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new IOException(script + " did not finish within " + BUILD_TIMEOUT_MINUTES + " min (its log: "
                    + log + ")");
        }
        String out = Files.readString(printed, StandardCharsets.UTF_8).trim();
        if (p.exitValue() != 0 || out.isEmpty()) {
            throw new IOException("the CloudHv firmware could not be built: " + script + " ended with status "
                    + p.exitValue() + ". Build it on the host (as root, with network) by running that script, or "
                    + "name a CLOUDHV.fd with -D" + PROPERTY + ". Its log (" + log + ") ends:\n" + tail(log));
        }
        Path firmware = Path.of(out);
        if (!Files.isRegularFile(firmware) || Files.size(firmware) == 0) {
            throw new IOException(script + " printed " + out + ", which is not a firmware file");
        }
        return firmware;
    }

    private static String tail(Path log) throws IOException {
        // ISO-8859-1 reads any bytes (compiler and apt output need not be UTF-8)
        List<String> lines = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
    }
}
