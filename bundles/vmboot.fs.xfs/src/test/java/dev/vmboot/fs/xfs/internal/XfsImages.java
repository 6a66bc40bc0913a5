package dev.vmboot.fs.xfs.internal;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import dev.vmboot.testkit.ExternalTool;

/** Builds XFS images for tests with the real xfsprogs tools (and, as root, the kernel). */
final class XfsImages {
    private XfsImages() {
    }

    /**
     * Runs mkfs.xfs on a sparse image of {@code size} bytes. mkfs.xfs refuses filesystems under 300 MB unless it
     * believes it runs under fstests, which makes tiny test filesystems on purpose: the three variables say so.
     */
    static Path mkfs(Path image, long size, String... options) throws IOException {
        ExternalTool.requireOnPath("mkfs.xfs");
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(size);
        }
        List<String> cmd = new ArrayList<>(List.of("env", "TEST_DIR=/tmp", "TEST_DEV=" + image,
                "QA_CHECK_FS=xfs", "mkfs.xfs", "-q", "-f"));
        cmd.addAll(List.of(options));
        cmd.add(image.toString());
        ExternalTool.run(null, cmd);
        return image;
    }

    /** Writes a mkfs.xfs(8) prototype file describing the host tree {@code root} (names without whitespace). */
    static Path protofile(Path root, Path protoFile) throws IOException {
        StringBuilder sb = new StringBuilder("/dev/null\n0 0\nd--755 0 0\n");
        describe(root, sb, 1);
        sb.append("$\n");
        Files.writeString(protoFile, sb.toString(), StandardCharsets.UTF_8);
        return protoFile;
    }

    private static void describe(Path dir, StringBuilder sb, int depth) throws IOException {
        List<Path> children;
        try (Stream<Path> s = Files.list(dir)) {
            children = s.sorted().toList();
        }
        String indent = " ".repeat(depth);
        for (Path p : children) {
            String name = p.getFileName().toString();
            if (Files.isSymbolicLink(p)) {
                sb.append(indent).append(name).append(" l--777 0 0 ").append(Files.readSymbolicLink(p)).append('\n');
            } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                sb.append(indent).append(name).append(" d--755 0 0\n");
                describe(p, sb, depth + 1);
                sb.append(indent).append("$\n");
            } else {
                sb.append(indent).append(name).append(" ---644 0 0 ").append(p.toAbsolutePath()).append('\n');
            }
        }
    }

    /** Whether loop mounts can be used here (root, and the mount tool present). */
    static boolean canLoopMount() {
        return ExternalTool.isRoot();
    }

    /** Loop-mounts {@code image} on {@code mountPoint}, runs {@code body}, unmounts. */
    static void withMount(Path image, Path mountPoint, IoAction body) throws IOException {
        Files.createDirectories(mountPoint);
        ExternalTool.run("mount", "-o", "loop", image.toString(), mountPoint.toString());
        try {
            body.run();
        } finally {
            ExternalTool.run("umount", mountPoint.toString());
        }
    }

    interface IoAction {
        void run() throws IOException;
    }
}
