package dev.vmboot.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;

/**
 * The bundle cache kept in {@code cache/} of the home: a second run uses it as it is, a changed jar starts it afresh,
 * what an earlier run installed besides is uninstalled, and a run that cannot have it (held by another run, no
 * writable {@code cache/}) runs with a cache of its own.
 */
class KeptBundleCacheTest {
    @TempDir
    Path tmp;

    @AfterEach
    void forgetTheRun() {
        System.clearProperty("vmboot.exit.status");
        System.clearProperty("vmboot.run.started");
    }

    private static int run(Path home, String script) throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status;
        try (PrintStream capture = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            status = Main.run(home, new CommandLine(Optional.of(script), false), capture, Duration.ofSeconds(30));
        }
        assertEquals("", err.toString(StandardCharsets.UTF_8));
        return status;
    }

    private Path homeWithTwoBundles() throws Exception {
        Path home = TestBundles.home(tmp.resolve("vmboot"));
        TestBundles.commandRunner(home.resolve("bundle/runner.jar"), "test.runner");
        TestBundles.plain(home.resolve("bundle/plain.jar"), "test.plain", "1.0.0");
        return home;
    }

    /** The locations of the bundles the kept one-shot cache of HOME holds, read by a framework of its own. */
    private static List<String> locationsIn(Path home) throws Exception {
        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class).findFirst().orElseThrow();
        Framework framework = factory.newFramework(Map.of(Constants.FRAMEWORK_STORAGE,
                home.resolve("cache/one-shot").toString()));
        framework.init();
        try {
            return Arrays.stream(framework.getBundleContext().getBundles()).filter(b -> b.getBundleId() != 0)
                    .map(Bundle::getLocation).sorted().collect(Collectors.toList());
        } finally {
            framework.stop();
            framework.waitForStop(10_000);
        }
    }

    @Test
    void aSecondRunUsesTheCacheAsItIsAndAChangedJarStartsItAfresh() throws Exception {
        Path home = homeWithTwoBundles();
        assertEquals(3, run(home, "3"));
        Path storage = home.resolve("cache/one-shot");
        assertTrue(Files.isDirectory(storage));
        assertEquals(KeptBundleCache.fingerprint(home), Files.readString(home.resolve("cache/one-shot.bundles")));
        Path marker = Files.writeString(storage.resolve("marker"), "left by the test");

        assertEquals(4, run(home, "4"));
        assertTrue(Files.exists(marker), "the second run started the cache afresh");

        Path plain = home.resolve("bundle/plain.jar");
        Files.setLastModifiedTime(plain, FileTime.fromMillis(Files.getLastModifiedTime(plain).toMillis() + 2000));
        assertEquals(5, run(home, "5"));
        assertFalse(Files.exists(marker), "a rebuilt jar did not start the cache afresh");
        assertEquals(KeptBundleCache.fingerprint(home), Files.readString(home.resolve("cache/one-shot.bundles")));
    }

    @Test
    void aRecordThatIsNotTheFingerprintStartsTheCacheAfresh() throws Exception {
        Path home = homeWithTwoBundles();
        assertEquals(0, run(home, "0"));
        Path marker = Files.writeString(home.resolve("cache/one-shot/marker"), "left by the test");
        // Twice the bound, the fingerprint at its start: not read at all.
        Files.writeString(home.resolve("cache/one-shot.bundles"), KeptBundleCache.fingerprint(home) + "x".repeat(2 << 20));
        assertEquals(0, run(home, "0"));
        assertFalse(Files.exists(marker));
        assertEquals(KeptBundleCache.fingerprint(home), Files.readString(home.resolve("cache/one-shot.bundles")));
    }

    @Test
    void aBundleAnEarlierRunInstalledBesidesIsUninstalled() throws Exception {
        Path home = homeWithTwoBundles();
        assertEquals(0, run(home, "0"));
        Path extra = TestBundles.plain(tmp.resolve("extra.jar"), "test.extra", "1.0.0");
        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class).findFirst().orElseThrow();
        Framework framework = factory.newFramework(Map.of(Constants.FRAMEWORK_STORAGE,
                home.resolve("cache/one-shot").toString()));
        framework.init();
        framework.getBundleContext().installBundle(extra.toUri().toString());
        framework.stop();
        framework.waitForStop(10_000);
        assertEquals(3, locationsIn(home).size());

        assertEquals(0, run(home, "0"));
        assertEquals(List.of("reference:" + home.resolve("bundle/plain.jar").toUri(),
                "reference:" + home.resolve("bundle/runner.jar").toUri()), locationsIn(home));
    }

    @Test
    void aBundleInstalledWhileVmbootRunsHasTheNextRunMakeTheCacheAfresh() throws Exception {
        Path home = homeWithTwoBundles();
        TestBundles.installing(home.resolve("bundle/installing.jar"), "test.installing");
        Path extra = TestBundles.plain(tmp.resolve("extra.jar"), "test.extra", "1.0.0");
        System.setProperty("test.install.location", extra.toUri().toString());
        try {
            assertEquals(0, run(home, "0"));
        } finally {
            System.clearProperty("test.install.location");
        }
        assertFalse(Files.exists(home.resolve("cache/one-shot.bundles")), "the record outlived the install");
        Path marker = Files.writeString(home.resolve("cache/one-shot/marker"), "left by the test");
        assertEquals(0, run(home, "0"));
        assertFalse(Files.exists(marker));
        assertEquals(3, locationsIn(home).size());
        assertTrue(Files.exists(home.resolve("cache/one-shot.bundles")));
    }

    @Test
    void aCacheAnotherRunHoldsIsNotOpenedTwice() throws Exception {
        Path home = homeWithTwoBundles();
        try (KeptBundleCache held = KeptBundleCache.open(home, "one-shot").orElseThrow()) {
            assertEquals(Optional.empty(), KeptBundleCache.open(home, "one-shot"));
            assertTrue(KeptBundleCache.open(home, "shell").isPresent(), "the shell's cache is another one");
            // The run meanwhile gets a cache of its own and leaves the kept one as it was.
            assertEquals(6, run(home, "6"));
            assertFalse(Files.exists(home.resolve("cache/one-shot.bundles")));
        }
        assertTrue(KeptBundleCache.open(home, "one-shot").isPresent());
    }

    @Test
    void turnedOffEveryRunHasACacheOfItsOwn() throws Exception {
        Path home = homeWithTwoBundles();
        System.setProperty(Main.BUNDLE_CACHE_PROPERTY, "off");
        try {
            assertEquals(8, run(home, "8"));
        } finally {
            System.clearProperty(Main.BUNDLE_CACHE_PROPERTY);
        }
        assertFalse(Files.exists(home.resolve("cache")));
    }

    @Test
    void aHomeWhereNoCacheDirectoryCanBeMadeRunsWithACacheOfItsOwn() throws Exception {
        Path home = homeWithTwoBundles();
        Files.writeString(home.resolve("cache"), "a file where the directory would be");
        assertEquals(Optional.empty(), KeptBundleCache.open(home, "one-shot"));
        assertEquals(7, run(home, "7"));
        assertEquals("a file where the directory would be", Files.readString(home.resolve("cache")));
    }

    @Test
    void theFingerprintChangesWithEveryJarAddedRebuiltOrMovedAndOnlyThen() throws Exception {
        Path home = homeWithTwoBundles();
        String first = KeptBundleCache.fingerprint(home);
        assertEquals(first, KeptBundleCache.fingerprint(home));
        assertTrue(first.contains("bundle/plain.jar ") && first.contains("bundle/runner.jar "), first);

        TestBundles.plain(home.resolve("deploy/new.jar"), "test.new", "1.0.0");
        String added = KeptBundleCache.fingerprint(home);
        assertNotEquals(first, added);

        Files.writeString(home.resolve("deploy/new.jar"), "rebuilt, another size");
        assertNotEquals(added, KeptBundleCache.fingerprint(home));

        String before = KeptBundleCache.fingerprint(home);
        Path moved = Files.move(home, tmp.resolve("elsewhere"));
        assertNotEquals(before, KeptBundleCache.fingerprint(moved));
        assertTrue(KeptBundleCache.fingerprint(moved).startsWith("home " + moved + "\n"));
    }
}
