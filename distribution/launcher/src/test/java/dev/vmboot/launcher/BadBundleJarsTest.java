package dev.vmboot.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jars in {@code bundle/} or {@code deploy/} that cannot be installed (not a zip, or a symbolic name and version that
 * another bundle has): each is one line on standard error and left out, the rest start, the one-shot command ends with
 * its status and the framework is stopped, so that no framework thread keeps the process alive. A jar of deploy/
 * replaces the one of bundle/ with its symbolic name (no line), so only a second one in deploy/ is a duplicate.
 */
class BadBundleJarsTest {
    @TempDir
    Path tmp;

    @AfterEach
    void forgetTheRun() {
        System.clearProperty("vmboot.exit.status");
        System.clearProperty("vmboot.run.started");
    }

    /** Runs the launcher on HOME with standard error captured; returns the status and what it printed there. */
    private static String[] run(Path home, CommandLine cmd) throws Exception {
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status;
        try (PrintStream capture = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setErr(capture);
            status = Main.run(home, cmd);
        } finally {
            System.setErr(saved);
        }
        return new String[] {Integer.toString(status), err.toString(StandardCharsets.UTF_8)};
    }

    private static Set<Thread> liveNonDaemonThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && !t.isDaemon())
                .collect(Collectors.toSet());
    }

    private static void assertNoThreadLeftBut(Set<Thread> before) throws InterruptedException {
        Set<Thread> left = liveNonDaemonThreads();
        left.removeAll(before);
        for (Thread t : left) {
            t.join(10_000);
        }
        left.removeIf(t -> !t.isAlive());
        assertEquals(Set.of(), left, "threads that would keep bin/vmboot from exiting");
    }

    /** vmboot.shell missing (or left out): the command never starts, and the run ends rather than wait for it. */
    @Test
    void aCommandThatCannotStartEndsTheRunWithStatusOne() throws Exception {
        Path home = TestBundles.home(tmp.resolve("vmboot"));
        TestBundles.plain(home.resolve("bundle/plain.jar"), "test.plain", "1.0.0");
        Set<Thread> before = liveNonDaemonThreads();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status;
        try (PrintStream capture = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            status = Main.run(home, new CommandLine(Optional.of("devices"), false), capture, Duration.ofSeconds(1));
        }
        assertEquals(1, status);
        assertEquals("vmboot: the command did not start within 1 s: vmboot.shell's script runner is not active (a "
                + "bundle missing or left out?)\n", err.toString(StandardCharsets.UTF_8));
        assertNoThreadLeftBut(before);
    }

    @Test
    void badJarsAreReportedInALineEachAndLeftOutAndTheCommandStillEndsWithItsStatus() throws Exception {
        Path home = TestBundles.home(tmp.resolve("vmboot"));
        TestBundles.commandRunner(home.resolve("bundle/runner.jar"), "test.runner");
        TestBundles.plain(home.resolve("bundle/plain.jar"), "test.plain", "1.0.0");
        Files.writeString(home.resolve("deploy/not-a-zip.jar"), "not a zip");
        TestBundles.plain(home.resolve("deploy/plain-rebuilt.jar"), "test.plain", "1.0.0");
        TestBundles.plain(home.resolve("deploy/same-again.jar"), "test.plain", "1.0.0");
        TestBundles.plain(home.resolve("deploy/good.jar"), "test.good", "1.0.0");
        Set<Thread> before = liveNonDaemonThreads();

        String[] result = run(home, new CommandLine(Optional.of("7"), false));

        assertEquals("7", result[0], result[1]);
        List<String> lines = Arrays.asList(result[1].split("\n"));
        assertEquals(2, lines.size(), result[1]);
        assertTrue(lines.get(0).startsWith("vmboot: deploy/not-a-zip.jar left out, it cannot be installed: "),
                result[1]);
        assertEquals("vmboot: deploy/same-again.jar left out, it cannot be installed: Bundle symbolic name and "
                + "version are not unique: test.plain:1.0.0", lines.get(1));
        assertNoThreadLeftBut(before);
    }
}
