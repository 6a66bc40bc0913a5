package dev.vmboot.payload;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes, at build time, the Felix bundle cache the launcher keeps in {@code cache/shell} of the vmboot home (see the
 * launcher's KeptBundleCache), so that the payload's {@code vmboot --autoboot} finds its bundles installed and their
 * components read at every power-on instead of installing them all first: the initramfs is unpacked afresh at every
 * boot, so a cache made at run time would never be seen by a later one.
 *
 * <p>The launcher uses a kept cache only when a fingerprint of the home's path and of each jar's name, size and
 * modification time equals the one recorded beside it. So the cache is made for the home as the payload has it: the
 * staged root's top directory ({@code opt}) bound over the host's ({@code /opt}) in a mount namespace of an
 * unprivileged user namespace ({@code unshare -r -m}: the host's /opt is not touched, no root is needed), with every
 * file's time set to the one the cpio gives every entry, run by the payload's own JRE. A second start then has to find
 * the cache as the first left it (its record neither removed nor rewritten), or the build fails: a payload whose
 * cache the launcher refuses boots as slowly as one without.
 *
 * @param javaHome      the JRE that runs the launcher (the payload's own)
 * @param homeInPayload the vmboot home inside the initramfs, relative ({@code opt/vmboot})
 * @param mtimeSeconds  the modification time the cpio gives every entry
 */
record BundleCachePrimer(Path javaHome, String homeInPayload, long mtimeSeconds) {
    private static final Logger LOG = LoggerFactory.getLogger(BundleCachePrimer.class);
    /** The launcher's kept caches (KeptBundleCache.DIRECTORY), in the home. */
    static final String CACHE_DIR = "cache";
    /** The record of what the cache for a run with a terminal (vmboot --autoboot, the shell) was made from. */
    static final String SHELL_RECORD = CACHE_DIR + "/shell.bundles";
    /** A start under this builder takes about a second; a hung one (a JVM waiting on something) is not waited for. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(300);

    BundleCachePrimer {
        Objects.requireNonNull(javaHome);
        if (homeInPayload.startsWith("/") || !homeInPayload.contains("/")) {
            throw new IllegalArgumentException("the home in the payload must be relative and below a top directory: "
                    + homeInPayload);
        }
    }

    /**
     * Makes {@code cache/} in the vmboot home of ROOT, a staged tree of the initramfs's top directory holding the home
     * (every file of it as the initramfs will hold it), whose times it sets to the cpio's; then checks that a second
     * start uses it.
     */
    void prime(Path root) throws IOException {
        Path home = root.resolve(homeInPayload);
        setTimes(home);
        start(root, "making the bundle cache");
        if (!Files.isRegularFile(home.resolve(SHELL_RECORD))) {
            throw new IOException("vmboot made no bundle cache in " + home.resolve(CACHE_DIR) + " (no " + SHELL_RECORD
                    + ")");
        }
        checkUsed(root);
        LOG.info("bundle cache made for /{} and used by a second start", homeInPayload);
    }

    /**
     * Starts vmboot in ROOT (the initramfs's top directory of the home, as staged or unpacked) and fails unless it
     * used the kept bundle cache it found: the launcher leaves the record of a cache it uses as it is, and removes
     * and rewrites that of one it refuses.
     */
    void checkUsed(Path root) throws IOException {
        Path record = root.resolve(homeInPayload).resolve(SHELL_RECORD);
        if (!Files.isRegularFile(record)) {
            throw new IOException("no bundle cache: " + record + " is missing");
        }
        BasicFileAttributes before = Files.readAttributes(record, BasicFileAttributes.class);
        String recorded = Files.readString(record, StandardCharsets.UTF_8);
        start(root, "checking the bundle cache is used");
        BasicFileAttributes after = Files.exists(record) ? Files.readAttributes(record, BasicFileAttributes.class) : null;
        if (after == null || !Objects.equals(before.fileKey(), after.fileKey())
                || !before.lastModifiedTime().equals(after.lastModifiedTime())) {
            throw new IOException("vmboot did not use the bundle cache made for /" + homeInPayload + " (the launcher"
                    + " rewrote " + SHELL_RECORD + "): the payload would install every bundle at each boot. It was"
                    + " made from:\n" + recorded + "and is now made from:\n"
                    + (after == null ? "(nothing)" : Files.readString(record, StandardCharsets.UTF_8)));
        }
    }

    /** Sets the time of every file and directory of HOME to the cpio's, as the unpacked initramfs has them. */
    private void setTimes(Path home) throws IOException {
        FileTime t = FileTime.from(mtimeSeconds, TimeUnit.SECONDS);
        List<Path> all;
        try (Stream<Path> s = Files.walk(home)) {
            all = s.filter(p -> !Files.isSymbolicLink(p)).toList();
        }
        for (Path p : all) {
            Files.setLastModifiedTime(p, t);
        }
    }

    /** Runs the payload's {@code vmboot} (the interactive shell, its input at end of file) with ROOT over its top. */
    private void start(Path root, String what) throws IOException {
        String top = homeInPayload.substring(0, homeInPayload.indexOf('/'));
        if (!Files.isDirectory(Path.of("/" + top))) {
            throw new IOException("this build host has no /" + top + " to bind the payload's over (for " + what + ")");
        }
        // In the namespace: the staged top directory over the host's, the launcher run through bin/vmboot as /init
        // runs it (VMBOOT_CDS=off as there: the payload has no archive of vmboot's classes).
        List<String> cmd = List.of("unshare", "--map-root-user", "--mount", "sh", "-c",
                "mount --bind \"$1\" \"$2\" && exec \"$3\"", "sh",
                root.resolve(top).toAbsolutePath().toString(), "/" + top, "/" + homeInPayload + "/bin/vmboot");
        // bin/vmboot reads VMBOOT_JAVA_OPTS when set; empty, it adds nothing, as at boot.
        Map<String, String> env = Map.of("JAVA_HOME", javaHome.toAbsolutePath().toString(), "VMBOOT_CDS", "off",
                "VMBOOT_JAVA_OPTS", "");
        try {
            ExternalCommand.run(cmd, env, START_TIMEOUT);
        } catch (IOException e) {
            throw new IOException(what + " for the payload failed (an unprivileged user namespace, unshare -r, must be"
                    + " allowed): " + e.getMessage(), e);
        }
    }
}
