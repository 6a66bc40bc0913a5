package dev.vmboot.launcher;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The Felix bundle cache kept from one run to the next in {@code cache/} of the vmboot home, one per kind of run
 * ({@code one-shot}: no terminal bundles; {@code shell}: all of them), so that a start finds its bundles installed
 * instead of installing every jar again, and Declarative Services finds their component descriptions read already.
 *
 * <p>It is used only while it was made from the very jars the run would install: a fingerprint of the home's path
 * and every jar of {@code bundle/}, {@code deploy/} and {@code lib/felix.jar} (name, size, modification time) is
 * kept beside it, and a run whose fingerprint differs (a jar added, removed or rebuilt, the distribution moved) starts
 * it afresh. A run holds the cache's lock while it runs; another run at the same time, or one in a home where
 * {@code cache/} cannot be written (a read-only distribution), gets no kept cache and installs every bundle into a
 * cache of its own, as every run did before.
 */
final class KeptBundleCache implements AutoCloseable {
    /** The directory of the vmboot home holding the kept caches; bin/vmboot and the assembly leave it out. */
    static final String DIRECTORY = "cache";
    /**
     * The largest fingerprint record read: a line of about 60 bytes a jar, so room for thousands of jars; a bigger
     * file is not one this launcher wrote, and the cache is made afresh instead of the file being read.
     */
    private static final long MAX_RECORD_BYTES = 1 << 20;

    private final Path storage;
    private final Path fingerprintFile;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private KeptBundleCache(Path storage, Path fingerprintFile, FileChannel lockChannel, FileLock lock) {
        this.storage = storage;
        this.fingerprintFile = fingerprintFile;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * The kept cache of HOME for runs of kind MODE, locked for this run; empty if {@code cache/} cannot be made or
     * written there, or another run holds it.
     */
    static Optional<KeptBundleCache> open(Path home, String mode) {
        Path dir = home.resolve(DIRECTORY);
        FileChannel channel = null;
        try {
            if (!Files.isDirectory(dir)) {
                // Owner only: what is installed from here runs as whoever runs vmboot.
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            }
            channel = FileChannel.open(dir.resolve(mode + ".lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                return Optional.empty();
            }
            return Optional.of(new KeptBundleCache(dir.resolve(mode), dir.resolve(mode + ".bundles"), channel, lock));
        } catch (IOException | OverlappingFileLockException | UnsupportedOperationException | SecurityException e) {
            closeQuietly(channel);
            return Optional.empty();
        }
    }

    /** The framework storage directory ({@code org.osgi.framework.storage}). */
    Path storage() {
        return storage;
    }

    /** Whether the cache was made from the jars FINGERPRINT describes and can be used as it is. */
    boolean matches(String fingerprint) {
        try {
            return Files.isDirectory(storage) && Files.size(fingerprintFile) <= MAX_RECORD_BYTES
                    && fingerprint.equals(Files.readString(fingerprintFile, StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Forgets what the cache was made from, before the framework cleans it and bundles are installed anew. */
    void invalidate() throws IOException {
        Files.deleteIfExists(fingerprintFile);
    }

    /** {@link #invalidate()} from a framework thread: a record that cannot be deleted is left to the next run's check. */
    void invalidateQuietly() {
        try {
            invalidate();
        } catch (IOException | RuntimeException e) {
            // the next run compares the record with the jars all the same
        }
    }

    /**
     * Records that the cache now holds the bundles FINGERPRINT describes: written beside it and renamed over the old
     * record, so that a run killed meanwhile leaves no record, or a whole one.
     */
    void record(String fingerprint) throws IOException {
        Path tmp = fingerprintFile.resolveSibling(fingerprintFile.getFileName() + ".tmp");
        Files.writeString(tmp, fingerprint, StandardCharsets.UTF_8);
        Files.move(tmp, fingerprintFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Releases the lock (the JVM's exit would too). */
    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException | RuntimeException e) {
            // closing the channel releases it as well
        }
        closeQuietly(lockChannel);
    }

    /**
     * What a run of HOME would install, as one text: the home's path (bundle locations name it), each jar of
     * {@code bundle/} and {@code deploy/} in name order and {@code lib/felix.jar}, a line each with its size and
     * modification time. Equal texts mean the same jars, as far as a file's name, size and time tell (as make and
     * rsync judge files too).
     */
    static String fingerprint(Path home) throws IOException {
        StringBuilder text = new StringBuilder("home ").append(home).append('\n');
        for (String dir : List.of("bundle", "deploy")) {
            for (Path jar : sortedJars(home.resolve(dir))) {
                line(text, dir + "/" + jar.getFileName(), jar);
            }
        }
        Path felix = home.resolve("lib/felix.jar");
        if (Files.exists(felix)) {
            line(text, "lib/felix.jar", felix);
        }
        return text.toString();
    }

    private static void line(StringBuilder text, String name, Path file) throws IOException {
        BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
        text.append(name).append(' ').append(attrs.size()).append(' ')
                .append(attrs.lastModifiedTime().toMillis()).append('\n');
    }

    private static List<Path> sortedJars(Path dir) throws IOException {
        List<Path> jars = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.jar")) {
                ds.forEach(jars::add);
            }
        }
        jars.sort(null);
        return jars;
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            // nothing held
        }
    }
}
