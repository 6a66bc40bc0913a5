package dev.vmboot.shell.internal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host file {@code vmboot:extract} writes, checked before the source is read so that the operator loses nothing:
 * <ul>
 * <li>a regular file, or one that does not exist yet, is written to a new file beside it and renamed over it once the
 * copy is complete and on disk ({@link Kind#REPLACED_FILE}): a source that is missing or fails half-way leaves the
 * old file as it was. Through a symbolic link, the file it names is replaced and the link stays;</li>
 * <li>a character device, pipe or socket ({@code /dev/null}), or an open descriptor ({@code /dev/stdout},
 * {@code /dev/fd/N}), is written in place ({@link Kind#STREAM}); a descriptor is appended to, so that
 * {@code >> log} keeps the log;</li>
 * <li>a block device is refused unless forced, and then written in place from its first byte
 * ({@link Kind#BLOCK_DEVICE});</li>
 * <li>the disk being read (the same file, or for block devices the same disk or one of its partitions) and a directory
 * are always refused.</li>
 * </ul>
 * A replaced file keeps its permissions, owner and group; other hard links to it keep the old bytes, and a process
 * killed during the copy leaves its new file ({@code .NAME.vmboot-extract-*}) beside the target, which stays as it was.
 */
final class ExtractTarget {
    private static final Logger LOG = LoggerFactory.getLogger(ExtractTarget.class);
    /** Descriptor names that stand for a file the caller has open (proc(5), and udev's /dev links to them). */
    private static final List<String> DESCRIPTORS = List.of("/dev/stdout", "/dev/stderr");
    private static final List<String> DESCRIPTOR_DIRECTORIES = List.of("/dev/fd/", "/proc/self/fd/",
            "/proc/thread-self/fd/");
    /** This process's standard output (proc(5)). */
    private static final Path STANDARD_OUTPUT = Path.of("/proc/self/fd/1");
    /**
     * Characters of the target's name the new file's name keeps: with the dot, the suffix and 16 hex digits it stays
     * within Linux's NAME_MAX of 255 (include/uapi/linux/limits.h) for any target name.
     */
    private static final int TEMPORARY_NAME_KEPT = 200;
    /** Names tried for the new file before giving up (each a fresh random one). */
    private static final int TEMPORARY_NAME_ATTEMPTS = 100;
    /** st_mode's file type bits and the block device type (inode(7)). */
    private static final int S_IFMT = 0170000;
    private static final int S_IFBLK = 0060000;

    /** How the target is written. */
    enum Kind {
        /** A new file beside the target, renamed over it when complete. */
        REPLACED_FILE,
        /** In place: a character device, pipe or socket, or an open descriptor (appended to). */
        STREAM,
        /** In place from offset 0: a block device, when forced. */
        BLOCK_DEVICE
    }

    private final String given;
    private final Path path;
    private final Kind kind;
    private final boolean append;

    private ExtractTarget(String given, Path path, Kind kind, boolean append) {
        this.given = given;
        this.path = path;
        this.kind = kind;
        this.append = append;
    }

    /**
     * Checks FILE as a target for a copy out of SOURCEDISK, touching nothing.
     *
     * @param file         the host file as the operator named it
     * @param sourceDisk   the image file or block device the copy is read from
     * @param force        whether a block device may be written
     * @param blockDevices which block devices share blocks
     * @throws UsageException naming what is wrong with FILE
     */
    static ExtractTarget check(String file, String sourceDisk, boolean force, BlockDeviceOverlap blockDevices) {
        Path target;
        Path source;
        try {
            target = Path.of(file);
            source = Path.of(sourceDisk);
        } catch (InvalidPathException e) {
            throw refused(file, "is no path (" + e.getReason() + "); name the host file to write");
        }
        if (file.isEmpty()) {
            throw refused(file, "is empty; name the host file to write");
        }
        boolean exists = Files.exists(target);
        if (exists && sameFile(target, source)) {
            throw refused(file, "is the disk being read; name another file");
        }
        if (isDescriptor(target)) {
            return new ExtractTarget(file, target, Kind.STREAM, true);
        }
        if (!exists) {
            if (Files.isSymbolicLink(target)) {
                throw refused(file, "is a symbolic link to " + CommandArguments.shown(linkTarget(target))
                        + ", which does not exist; name the file to write");
            }
            Path absolute = target.toAbsolutePath();
            Path dir = absolute.getParent();
            if (dir == null || !Files.isDirectory(dir)) {
                throw refused(file, "cannot be made: there is no directory " + dir);
            }
            return new ExtractTarget(file, absolute, Kind.REPLACED_FILE, false);
        }
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(target, BasicFileAttributes.class);
            if (attributes.isDirectory()) {
                throw refused(file, "is a directory; name the file to write");
            }
            if (attributes.isRegularFile()) {
                return new ExtractTarget(file, target.toRealPath(), Kind.REPLACED_FILE, false);
            }
            if (!isBlockDevice(target)) {
                return new ExtractTarget(file, target, Kind.STREAM, false);
            }
        } catch (IOException e) {
            throw refused(file, "cannot be examined: " + e.getMessage());
        }
        if (!force) {
            throw refused(file, "is a block device, which would be overwritten from its first byte; give --force to "
                    + "do that");
        }
        if (blockDevices.overlap(target, source)) {
            throw refused(file, "shares blocks with the disk being read, " + sourceDisk + "; name another device");
        }
        return new ExtractTarget(file, target, Kind.BLOCK_DEVICE, false);
    }

    private static UsageException refused(String file, String why) {
        return new UsageException("extract: FILE " + file + " " + why);
    }

    private static boolean sameFile(Path target, Path source) {
        try {
            return Files.exists(source) && Files.isSameFile(target, source);
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean isDescriptor(Path target) {
        String absolute = target.toAbsolutePath().normalize().toString();
        return DESCRIPTORS.contains(absolute) || DESCRIPTOR_DIRECTORIES.stream().anyMatch(absolute::startsWith);
    }

    private static boolean isBlockDevice(Path target) throws IOException {
        try {
            return ((Integer) Files.getAttribute(target, "unix:mode") & S_IFMT) == S_IFBLK;
        } catch (UnsupportedOperationException e) {
            return false;
        }
    }

    private static String linkTarget(Path link) {
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (IOException e) {
            return "?";
        }
    }

    Kind kind() {
        return kind;
    }

    /** The file written: the one replaced (its links resolved), or the device or descriptor as named. */
    Path path() {
        return path;
    }

    /**
     * Whether the target is this process's standard output (under any name: /dev/stdout, /dev/fd/1, the terminal's or
     * the redirected file's own name), where the bytes are the output and no summary line may join them.
     */
    boolean isStandardOutput() {
        try {
            return Files.exists(path) && Files.isSameFile(path, STANDARD_OUTPUT);
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return given;
    }

    /** Opens the target for writing: for a file, a new one beside it. */
    Output open() throws IOException {
        if (kind != Kind.REPLACED_FILE) {
            FileChannel channel = append
                    ? FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.APPEND)
                    : FileChannel.open(path, StandardOpenOption.WRITE);
            return new Output(channel, null, path);
        }
        Path dir = path.getParent();
        for (int attempt = 0; attempt < TEMPORARY_NAME_ATTEMPTS; attempt++) {
            String name = path.getFileName().toString();
            Path temporary = dir.resolve("." + name.substring(0, Math.min(name.length(), TEMPORARY_NAME_KEPT))
                    + ".vmboot-extract-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
            FileChannel channel;
            try {
                channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            } catch (FileAlreadyExistsException e) {
                continue;
            }
            Output output = new Output(channel, temporary, path);
            try {
                keepAttributesOf(path, temporary);
            } catch (IOException | RuntimeException e) {
                output.close();
                throw e;
            }
            return output;
        }
        throw new IOException("cannot make a new file in " + dir + ": " + TEMPORARY_NAME_ATTEMPTS + " names taken");
    }

    /** Gives the new file the permissions, owner and group of the file it replaces, if there is one. */
    private static void keepAttributesOf(Path replaced, Path temporary) throws IOException {
        if (!Files.exists(replaced, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        PosixFileAttributes old = Files.readAttributes(replaced, PosixFileAttributes.class);
        PosixFileAttributeView view = Files.getFileAttributeView(temporary, PosixFileAttributeView.class);
        view.setPermissions(old.permissions());
        PosixFileAttributes made = view.readAttributes();
        try {
            if (!made.owner().equals(old.owner())) {
                view.setOwner(old.owner());
            }
            if (!made.group().equals(old.group())) {
                view.setGroup(old.group());
            }
        } catch (IOException e) {
            LOG.warn("{} will belong to {}:{}, not {}:{} as before: {}", replaced, made.owner().getName(),
                    made.group().getName(), old.owner().getName(), old.group().getName(), e.getMessage());
        }
    }

    /** The bytes' way to the target: {@link #commit()} once they are all written, {@link #close()} always. */
    static final class Output implements Closeable {
        private final FileChannel channel;
        private final Path temporary;
        private final Path target;
        private boolean committed;

        private Output(FileChannel channel, Path temporary, Path target) {
            this.channel = channel;
            this.temporary = temporary;
            this.target = target;
        }

        WritableByteChannel channel() {
            return channel;
        }

        /**
         * For a replaced file: puts the new file on disk and renames it over the target, then puts the rename on disk.
         * In place: nothing more to do.
         */
        void commit() throws IOException {
            if (temporary != null) {
                channel.force(true);
                channel.close();
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
                forceDirectory(target.getParent());
            }
            committed = true;
        }

        private static void forceDirectory(Path dir) {
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            } catch (IOException e) {
                LOG.warn("the rename in {} may not be on disk yet: {}", dir, e.getMessage());
            }
        }

        /** Closes the target; a new file not committed is removed, and the target stays as it was. */
        @Override
        public void close() throws IOException {
            try {
                channel.close();
            } finally {
                if (temporary != null && !committed) {
                    Files.deleteIfExists(temporary);
                }
            }
        }
    }
}
