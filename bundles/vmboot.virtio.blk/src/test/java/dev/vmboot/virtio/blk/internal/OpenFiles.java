package dev.vmboot.virtio.blk.internal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The access modes ({@code O_RDONLY} 0, {@code O_WRONLY} 1, {@code O_RDWR} 2) of this process's open descriptors of a
 * file, from {@code /proc/self/fd} and {@code /proc/self/fdinfo} (Linux, proc(5)): proof that a read-only disk's file
 * was never opened for writing, whatever the test runs as (root can open a 0444 file read-write).
 */
final class OpenFiles {
    private static final int O_ACCMODE = 3;
    static final int O_RDONLY = 0;
    static final int O_RDWR = 2;

    private OpenFiles() {
    }

    static List<Integer> accessModes(Path file) throws IOException {
        Path real = file.toRealPath();
        List<Integer> modes = new ArrayList<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : fds) {
                Path target;
                try {
                    target = Files.readSymbolicLink(fd);
                } catch (IOException gone) {
                    continue; // closed meanwhile (the directory stream's own descriptor)
                }
                if (!target.equals(real)) {
                    continue;
                }
                for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo").resolve(fd.getFileName()))) {
                    if (line.startsWith("flags:")) {
                        modes.add(Integer.parseInt(line.substring(6).trim(), 8) & O_ACCMODE);
                    }
                }
            }
        }
        return modes;
    }
}
