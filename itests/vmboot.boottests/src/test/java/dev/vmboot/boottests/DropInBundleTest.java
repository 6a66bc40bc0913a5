package dev.vmboot.boottests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * New filesystems arrive as drop-in bundles: the distribution is copied without its ISO9660 reader, whose jar then
 * goes into {@code deploy/}. A one-shot command finds it there at start; the interactive shell installs it when it is
 * copied in while the shell runs and uninstalls it when it is removed. Needs no KVM: {@code devices} lists plug-ins.
 */
class DropInBundleTest {
    private static final String READER = "vmboot.fs.iso9660";
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(120);
    /** FileInstall polls deploy/ every second; allow for a slow machine. */
    private static final Duration DEPLOY_TIMEOUT = Duration.ofSeconds(60);

    private final BootTestEnvironment env = BootTestEnvironment.fromSystemProperties();

    @TempDir
    Path tmp;
    private Path home;
    private Path readerJar;

    @BeforeEach
    void copyTheDistributionWithoutTheReader() throws IOException {
        Path dist = env.launcher().getParent().getParent();
        home = tmp.resolve("vmboot");
        for (String dir : List.of("bin", "lib", "etc", "bundle", "deploy")) {
            copyTree(dist.resolve(dir), home.resolve(dir));
        }
        try (Stream<Path> jars = Files.list(home.resolve("bundle"))) {
            Path jar = jars.filter(p -> p.getFileName().toString().startsWith(READER + "-")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no " + READER + " jar in " + dist));
            readerJar = Files.move(jar, tmp.resolve(jar.getFileName()));
        }
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    /** Into deploy/ in one step, so the watcher never sees half a jar. */
    private Path drop() throws IOException {
        Path staged = Files.copy(readerJar, tmp.resolve("staged.jar"));
        return Files.move(staged, home.resolve("deploy").resolve(readerJar.getFileName()),
                StandardCopyOption.ATOMIC_MOVE);
    }

    private String oneShot(String name, String... args) throws Exception {
        try (VmbootProcess p = VmbootProcess.start(home.resolve("bin/vmboot"), env.transcriptDir(), name,
                List.of(args))) {
            assertEquals(0, p.awaitExit(COMMAND_TIMEOUT), "exit status of vmboot " + String.join(" ", args)
                    + p.diagnostics());
            return p.output();
        }
    }

    /** Types {@code devices} and returns the listing it prints, up to its last section's title. */
    private static String devices(VmbootProcess shell) throws Exception {
        int from = shell.output().length();
        shell.type("devices\n");
        int end = shell.awaitOutput("hypervisors:", from, COMMAND_TIMEOUT);
        return shell.output().substring(from, end);
    }

    private static String awaitListing(VmbootProcess shell, boolean withReader) throws Exception {
        long deadline = System.nanoTime() + DEPLOY_TIMEOUT.toNanos();
        String listing;
        while ((listing = devices(shell)).contains(READER) != withReader && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
        return listing;
    }

    @Test
    void aReaderInDeployIsThereForAOneShotCommand() throws Exception {
        String without = oneShot("dropin-oneshot-without", "devices");
        assertTrue(without.contains("filesystem readers:"), without);
        assertFalse(without.contains(READER), without);

        drop();
        String with = oneShot("dropin-oneshot-with", "devices");
        assertTrue(with.contains("iso9660      " + READER), with);
    }

    /**
     * A jar that is no zip, and the same bundle twice: each is one line on standard error and left out, and the command
     * runs with the rest and ends with its status (before, the launcher printed a stack trace and never ended).
     */
    @Test
    void jarsInDeployThatCannotBeInstalledAreLeftOutAndTheCommandRunsWithTheRest() throws Exception {
        Files.writeString(home.resolve("deploy/not-a-zip.jar"), "not a zip");
        Files.copy(readerJar, home.resolve("deploy/reader-again.jar"));
        Files.copy(readerJar, home.resolve("deploy/reader.jar"));
        try (VmbootProcess p = VmbootProcess.start(home.resolve("bin/vmboot"), env.transcriptDir(), "dropin-bad-jars",
                List.of("devices"))) {
            assertEquals(0, p.awaitExit(COMMAND_TIMEOUT), p.diagnostics());
            assertTrue(p.output().contains("iso9660      " + READER), p.diagnostics());
            String errors = p.errors();
            assertTrue(errors.contains("vmboot: deploy/not-a-zip.jar left out, it cannot be installed: "), errors);
            assertTrue(errors.contains("vmboot: deploy/reader.jar left out, it cannot be installed: Bundle symbolic "
                    + "name and version are not unique: " + READER + ":"), errors);
            assertFalse(errors.contains("\tat "), "no stack trace: " + errors);
        }
    }

    @Test
    void theShellInstallsAReaderDroppedIntoDeployAndRemovesItWhenItGoes() throws Exception {
        try (VmbootProcess shell = VmbootProcess.start(home.resolve("bin/vmboot"), env.transcriptDir(),
                "dropin-shell", List.of())) {
            String before = devices(shell);
            assertTrue(before.contains("filesystem readers:"), before);
            assertFalse(before.contains(READER), before);

            Path dropped = drop();
            String installed = awaitListing(shell, true);
            assertTrue(installed.contains("iso9660      " + READER),
                    "not installed within " + DEPLOY_TIMEOUT + ": " + installed);

            Files.delete(dropped);
            String removed = awaitListing(shell, false);
            assertFalse(removed.contains(READER), "still there " + DEPLOY_TIMEOUT + " after removal: " + removed);

            shell.type("exit\n");
            assertEquals(0, shell.awaitExit(COMMAND_TIMEOUT), shell.diagnostics());
        }
    }
}
