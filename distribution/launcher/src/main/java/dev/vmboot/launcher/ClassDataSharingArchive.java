package dev.vmboot.launcher;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The class data sharing archive {@code bin/vmboot} hands the JVM ({@code -XX:SharedArchiveFile=base:top}, with
 * {@code -Xshare:auto}): the top one, the bundles' classes, which the JVM maps only on top of its base. JDK 17 checks
 * both against the class path, the jars' sizes and modification times and the top against its base, and on any
 * mismatch runs without them and says nothing: start-up is then as slow as with no archive. This looks whether the JVM
 * really mapped the top archive (its inode in {@code /proc/self/maps}) and, if not, says so and removes it, so that the
 * next start makes both anew ({@code bin/vmboot} makes missing archives before it starts vmboot).
 *
 * @param archive the archive bin/vmboot passed (system property {@value #PROPERTY})
 */
record ClassDataSharingArchive(Path archive) {
    /** The system property bin/vmboot sets to the archive it passes the JVM. */
    static final String PROPERTY = "vmboot.cds.archive";
    /** Where Linux lists this process's mappings (proc(5), /proc/pid/maps). */
    static final Path SELF_MAPS = Path.of("/proc/self/maps");
    /**
     * A JVM has a few hundred mappings at start; this bounds the read should the file be something else (a bind mount,
     * a test's file).
     */
    private static final int MAX_MAPS_LINES = 100_000;

    /**
     * Checks the archive bin/vmboot passed, if any, and reports a rejected one on ERR. Sharing off altogether counts as
     * rejected: bin/vmboot passes its own base archive with it (the JVM turns sharing off when that base does not fit,
     * jars with new times say), and passes none when sharing is switched off on purpose ({@code VMBOOT_CDS=off},
     * {@code -Xshare:off} in {@code VMBOOT_JAVA_OPTS}).
     */
    static void checkUsed(PrintStream err) {
        String archive = System.getProperty(PROPERTY);
        if (archive == null || archive.isEmpty()) {
            return;
        }
        new ClassDataSharingArchive(Path.of(archive)).checkUsed(SELF_MAPS, err);
    }

    /** If the archive exists and MAPS does not map it: one line on ERR, and the archive removed. */
    void checkUsed(Path maps, PrintStream err) {
        try {
            if (!Files.exists(archive) || isMapped(maps)) {
                return;
            }
        } catch (IOException | RuntimeException e) {
            return; // no /proc (or no inode numbers): nothing can be told, and nothing is removed
        }
        String why = "vmboot: the class data sharing archive " + realPath() + " was not used by this JVM (made for"
                + " another JDK, or the jars changed since)";
        try {
            Files.deleteIfExists(archive);
            err.println(why + "; removed, the next start makes a new one");
        } catch (IOException e) {
            err.println(why + ", and it cannot be removed (" + e.getMessage() + "): remove it as its owner, or start"
                    + " with VMBOOT_CDS=off");
        }
    }

    /** bin/vmboot names the archive through /proc/self/fd/9 (its class path does): a person wants the real path. */
    private Path realPath() {
        try {
            return archive.toRealPath();
        } catch (IOException e) {
            return archive;
        }
    }

    /** Whether MAPS (the format of /proc/PID/maps) has a mapping of the archive's file (its device and inode). */
    boolean isMapped(Path maps) throws IOException {
        long inode = ((Number) Files.getAttribute(archive, "unix:ino")).longValue();
        long dev = ((Number) Files.getAttribute(archive, "unix:dev")).longValue();
        String device = Long.toHexString(major(dev)) + ":" + Long.toHexString(minor(dev));
        try (BufferedReader in = Files.newBufferedReader(maps, StandardCharsets.ISO_8859_1)) {
            String line;
            for (int n = 0; n < MAX_MAPS_LINES && (line = in.readLine()) != null; n++) {
                // address perms offset dev inode [pathname]
                String[] fields = line.trim().split("\\s+", 6);
                if (fields.length >= 5 && isDevice(fields[3], device) && fields[4].equals(Long.toString(inode))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** maps prints the device as "%02x:%02x" (fs/proc/task_mmu.c), so leading zeros differ from Long.toHexString. */
    private static boolean isDevice(String field, String device) {
        int colon = field.indexOf(':');
        if (colon < 0) {
            return false;
        }
        try {
            String normalised = Long.toHexString(Long.parseLong(field.substring(0, colon), 16)) + ":"
                    + Long.toHexString(Long.parseLong(field.substring(colon + 1), 16));
            return normalised.equals(device);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** The major number in st_dev: bits 8-19 and 44-63 (glibc, bits/sysmacros.h, __SYSMACROS_DEFINE_MAJOR). */
    static long major(long dev) {
        return ((dev >>> 8) & 0xfffL) | ((dev >>> 32) & 0xfffff000L);
    }

    /** The minor number in st_dev: bits 0-7 and 20-43 (glibc, bits/sysmacros.h, __SYSMACROS_DEFINE_MINOR). */
    static long minor(long dev) {
        return (dev & 0xffL) | ((dev >>> 12) & 0xffffff00L);
    }
}
