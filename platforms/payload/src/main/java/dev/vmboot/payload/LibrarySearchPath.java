package dev.vmboot.payload;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The directories the dynamic loader searches after an object's own RPATH/RUNPATH: those of {@code /etc/ld.so.conf}
 * (and the files it includes), then glibc's trusted directories for x86-64 on Debian (ld.so(8), "the default path").
 */
public record LibrarySearchPath(List<Path> directories) {
    /** glibc's built-in system directories on Debian x86-64 (multiarch first), ld.so(8). */
    static final List<Path> DEFAULT_DIRECTORIES = List.of(Path.of("/lib/x86_64-linux-gnu"),
            Path.of("/usr/lib/x86_64-linux-gnu"), Path.of("/lib64"), Path.of("/usr/lib64"), Path.of("/lib"),
            Path.of("/usr/lib"));
    /** include depth and file count bounds for ld.so.conf (it is the build host's, but a loop must end). */
    private static final int MAX_INCLUDE_DEPTH = 8;
    private static final int MAX_CONF_FILES = 256;

    public LibrarySearchPath {
        directories = List.copyOf(directories);
    }

    /** The host's search path: ld.so.conf's directories, then the defaults. */
    public static LibrarySearchPath host() throws IOException {
        return fromConf(Path.of("/etc/ld.so.conf"));
    }

    /** The directories named by CONF (following "include" globs), then the defaults. */
    public static LibrarySearchPath fromConf(Path conf) throws IOException {
        Set<Path> dirs = new LinkedHashSet<>();
        int[] files = {0};
        readConf(conf, dirs, 0, files);
        dirs.addAll(DEFAULT_DIRECTORIES);
        return new LibrarySearchPath(new ArrayList<>(dirs));
    }

    private static void readConf(Path conf, Set<Path> dirs, int depth, int[] files) throws IOException {
        if (!Files.isRegularFile(conf) || depth > MAX_INCLUDE_DEPTH || ++files[0] > MAX_CONF_FILES) {
            return;
        }
        for (String raw : Files.readAllLines(conf)) {
            String line = raw.replaceFirst("#.*", "").strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("include ") || line.startsWith("include\t")) {
                String pattern = line.substring("include".length()).strip();
                Path p = conf.getParent().resolve(pattern);
                Path dir = p.getParent();
                if (dir == null || !Files.isDirectory(dir)) {
                    continue;
                }
                List<Path> matches = new ArrayList<>();
                try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, p.getFileName().toString())) {
                    ds.forEach(matches::add);
                }
                matches.sort(null); // glob(3) sorts
                for (Path m : matches) {
                    readConf(m, dirs, depth + 1, files);
                }
            } else if (line.startsWith("/")) {
                dirs.add(Path.of(line));
            }
        }
    }
}
