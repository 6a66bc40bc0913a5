package dev.vmboot.fs.ext4.internal;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.vmboot.testkit.ExternalTool;

/** Builds ext2/3/4 images for tests with e2fsprogs (and, as root, the kernel through a loop mount). */
final class Ext4Images {
    private Ext4Images() {
    }

    /**
     * Runs mke2fs on a sparse image of {@code size} bytes. {@code -E root_owner} keeps the host's ids out, and the
     * fixed hash seed and UUID make directory hashes reproducible. {@code populateFrom} (may be null) is copied in
     * with {@code -d}.
     */
    static Path mkfs(Path image, long size, Path populateFrom, String... options) throws IOException {
        ExternalTool.requireOnPath("mke2fs");
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(size);
        }
        List<String> cmd = new ArrayList<>(List.of("env", "MKE2FS_CONFIG=/etc/mke2fs.conf", "E2FSPROGS_FAKE_TIME=",
                "mke2fs", "-q", "-F"));
        cmd.addAll(List.of(options));
        if (populateFrom != null) {
            cmd.add("-d");
            cmd.add(populateFrom.toString());
        }
        cmd.add(image.toString());
        ExternalTool.run(null, cmd);
        return image;
    }

    /** {@code e2fsck -fyD}: checks the image and rebuilds every directory, indexing the large ones as htrees. */
    static void optimiseDirectories(Path image) throws IOException {
        try {
            ExternalTool.run("e2fsck", "-fyD", image.toString());
        } catch (IOException e) {
            // Exit code 1 means "errors corrected": the optimisation counts as a correction.
            if (!e.getMessage().contains("exited 1:")) {
                throw e;
            }
        }
    }

    /** {@code e2fsck -fn}: the image must be clean. */
    static void check(Path image) throws IOException {
        ExternalTool.run("e2fsck", "-fn", image.toString());
    }

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
