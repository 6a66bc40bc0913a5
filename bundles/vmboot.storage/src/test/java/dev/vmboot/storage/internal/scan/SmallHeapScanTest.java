package dev.vmboot.storage.internal.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scan in a JVM with a 64 MiB heap, as on a small LinuxBoot machine: files that ask a decompressor for 1.5 GiB are
 * each a problem of their own in the volume's report, and the scan still finds the kernel beside them.
 */
class SmallHeapScanTest {
    @TempDir
    Path dir;

    @Test
    void compressionBombsAreProblemsOfTheirOwnFilesUnderASmallHeap() throws IOException, InterruptedException {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx64m", "-XX:+UseSerialGC", "-cp", classpath, SmallHeapScan.class.getName(),
                dir.resolve("disk.img").toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        // Not a timing: only keeps a hung child from hanging the build.
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), output);
        assertEquals(0, p.exitValue(), output);
        assertTrue(output.contains("boot: /boot/vmlinuz BZIMAGE"), output);
        for (int i = 0; i < SmallHeapScan.BOMBS; i++) {
            assertTrue(output.contains("/boot/bomb-" + i + ".xz: xz-compressed data that needs 1537 MiB of memory"),
                    output);
        }
    }
}
