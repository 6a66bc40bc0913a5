package dev.vmboot.boottests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution's class data sharing archives are used wherever the distribution is put: moved, unpacked elsewhere
 * (times kept, as tar, cpio and {@code cp -a} keep them), or copied with new times (the JVM then refuses them: vmboot
 * says so once, and the next start makes new ones). "Used" is checked the loud way: with {@code -Xshare:on} the JVM
 * ends at once if it cannot map the archives, and its class-loading log names them as the source of the launcher's
 * own class ("shared objects file": the static base, lib/vmboot-base.jsa, in place of the JDK's default archive, which
 * holds no class of the class path) and of the bundles' classes ("shared objects file (top)": lib/vmboot.jsa, the
 * dynamic archive on top of it). Needs no KVM.
 */
class MovedDistributionTest {
    private static final long COMMAND_TIMEOUT_SECONDS = 180;
    /** What -Xlog:class+load prints for a class the static archive gave (HotSpot, klass.cpp, class load logging). */
    private static final String FROM_BASE = "dev.vmboot.launcher.Main source: shared objects file";
    /** ... and for one the dynamic archive gave: the shell bundle's commands, "devices" among them. */
    private static final String FROM_TOP = "dev.vmboot.shell.internal.VmbootCommands source: shared objects file (top)";
    private static final List<String> ARCHIVES = List.of("lib/vmboot-base.jsa", "lib/vmboot.jsa");
    private static final String LOUD = "-Xshare:on -Xlog:class+load=info";

    private final BootTestEnvironment env = BootTestEnvironment.fromSystemProperties();

    @TempDir
    Path tmp;

    private Path distribution() {
        return env.launcher().getParent().getParent();
    }

    private CommandRun devices(Path home, String javaOpts) throws IOException, InterruptedException {
        // Started from another directory than the distribution's, as an init script or a person does.
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/vmboot").toString(), "devices").directory(tmp.toFile());
        Map<String, String> environment = pb.environment();
        environment.remove("VMBOOT_CDS");
        environment.put("VMBOOT_JAVA_OPTS", javaOpts);
        return CommandRun.of(pb, tmp, COMMAND_TIMEOUT_SECONDS);
    }

    private void assertTheArchiveIsUsed(Path home) throws IOException, InterruptedException {
        CommandRun e = devices(home, LOUD);
        assertEquals(0, e.status(), e.describe());
        List<String> lines = e.out().lines().map(l -> l.replaceFirst("^\\[[^]]*\\]\\[info *\\]\\[class,load *\\] ", ""))
                .toList();
        assertTrue(lines.contains(FROM_BASE), "the launcher's class did not come from the base archive\n"
                + e.describe());
        assertTrue(lines.contains(FROM_TOP), "the shell commands' class did not come from the top archive\n"
                + e.describe());
        assertTrue(e.out().contains("filesystem readers:"), e.describe());
    }

    private static void copyTree(Path from, Path to, boolean keepTimes) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (keepTimes) {
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    @Test
    void theBuiltDistributionUsesItsArchive() throws Exception {
        assertTheArchiveIsUsed(distribution());
    }

    @Test
    void aMovedDistributionUsesTheArchiveItCameWith() throws Exception {
        Path unpacked = tmp.resolve("unpacked/vmboot");
        copyTree(distribution(), unpacked, true);
        Path moved = Files.move(unpacked, Files.createDirectories(tmp.resolve("elsewhere/deeper")).resolve("vmboot"));
        List<byte[]> archives = new ArrayList<>();
        for (String a : ARCHIVES) {
            archives.add(Files.readAllBytes(moved.resolve(a)));
        }
        assertTheArchiveIsUsed(moved);
        for (int i = 0; i < ARCHIVES.size(); i++) {
            assertArrayEquals(archives.get(i), Files.readAllBytes(moved.resolve(ARCHIVES.get(i))),
                    ARCHIVES.get(i) + " was made again instead of used");
        }
    }

    @Test
    void anArchiveTheJvmRefusesIsSaidAndMadeAgain() throws Exception {
        Path copy = tmp.resolve("copy");
        copyTree(distribution(), copy, false);
        // The jars' times are new, so the JVM refuses the archives (the base, and with it the top): the first start
        // says so and removes the top one.
        CommandRun first = devices(copy, "");
        assertEquals(0, first.status(), first.describe());
        assertEquals(List.of("vmboot: the class data sharing archive " + copy.toRealPath().resolve("lib/vmboot.jsa")
                + " was not used by this JVM (made for another JDK, or the jars changed since); removed, the next"
                + " start makes a new one"), first.err().lines().toList());
        assertFalse(Files.exists(copy.resolve("lib/vmboot.jsa")));
        // The next start makes both anew before it runs (nothing left beside them), and later starts use them.
        CommandRun second = devices(copy, "");
        assertEquals(0, second.status(), second.describe());
        assertEquals("", second.err());
        try (Stream<Path> lib = Files.list(copy.resolve("lib"))) {
            assertEquals(List.of("felix.jar", "native", "vmboot-base.jsa", "vmboot-launcher.jar", "vmboot.jsa"),
                    lib.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertTheArchiveIsUsed(copy);
    }
}
