package dev.vmboot.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a Debian tool (mkfs.xfs, mke2fs, mcopy, xorriso, sgdisk...) that a test uses to build a reference image.
 * A missing tool fails the test with the package to install: the README's test command installs them all.
 */
public final class ExternalTool {

    private ExternalTool() {
    }

    /** Runs {@code command} and returns its standard output; fails with its output on a non-zero exit. */
    public static String run(String... command) throws IOException {
        return run(null, List.of(command));
    }

    /** Runs {@code command} in {@code workDir} (null: the current directory). */
    public static String run(Path workDir, List<String> command) throws IOException {
        requireOnPath(command.get(0));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        if (workDir != null) {
            pb.directory(workDir.toFile());
        }
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        try {
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + ": did not finish in 10 minutes");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " exited " + p.exitValue() + ":\n" + text);
        }
        return text;
    }

    /** Fails with a clear message if {@code tool} is not installed. */
    public static void requireOnPath(String tool) throws IOException {
        if (tool.contains("/")) {
            if (!Files.isExecutable(Path.of(tool))) {
                throw new IOException(tool + " is not installed; scripts/test installs the tools the tests need");
            }
            return;
        }
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        dirs.addAll(List.of("/usr/sbin", "/sbin"));
        for (String dir : dirs) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return;
            }
        }
        throw new IOException(tool + " is not installed; scripts/test installs the tools the tests need"
                + " (Debian packages xfsprogs e2fsprogs dosfstools mtools xorriso gdisk fdisk)");
    }

    /** Whether this process runs as root (loop mounts need it). */
    public static boolean isRoot() {
        try {
            return "0".equals(run("id", "-u").trim());
        } catch (IOException e) {
            return false;
        }
    }
}
