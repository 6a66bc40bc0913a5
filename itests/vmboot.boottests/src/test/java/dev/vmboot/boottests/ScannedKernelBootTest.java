package dev.vmboot.boottests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The main job on a kernel: a GPT disk whose ext4 partition holds Debian's bzImage and the test initramfs under
 * /boot; {@code vmboot scan} must find the kernel as a boot candidate, and {@code vmboot boot} on that location (the
 * protocol chosen by probing, the initrd read from the same partition) must bring it to its init.
 */
@Tag("kvm")
class ScannedKernelBootTest {

    private static final Duration TO_MARKER = Duration.ofMinutes(8);
    private static final Duration TO_EXIT = Duration.ofMinutes(3);
    private static final long PARTITION_MIB = 48;

    @TempDir
    Path dir;

    @Test
    void aKernelFoundByScanBootsToItsInit() throws Exception {
        BootTestEnvironment env = BootTestEnvironment.fromSystemProperties();
        GuestImages guest = GuestImages.prepare(env);
        Path tree = Files.createDirectories(dir.resolve("tree/boot"));
        Files.copy(guest.bzImage(), tree.resolve("vmlinuz"));
        Files.copy(guest.initramfs(), tree.resolve("initrd.img"));
        Path part = dir.resolve("part.img");
        Path disk = dir.resolve("disk.img");
        run("truncate", "-s", PARTITION_MIB + "M", part.toString());
        run("mke2fs", "-q", "-t", "ext4", "-L", "boot", "-d", tree.getParent().toString(), part.toString());
        run("truncate", "-s", (PARTITION_MIB + 2) + "M", disk.toString());
        run("sgdisk", "-n", "1:2048:0", "-t", "1:8300", "-c", "1:boot", disk.toString());
        run("dd", "if=" + part, "of=" + disk, "bs=1M", "seek=1", "conv=notrunc", "status=none");

        String scan = run(env.launcher().toString(), "scan", disk.toString());
        assertTrue(Pattern.compile("boot: /boot/vmlinuz\\s+BZIMAGE").matcher(scan).find(),
                "scan lists the kernel as a bzImage candidate:\n" + scan);

        String cmdline = "console=ttyS0 quiet vmboot.test=scanned";
        try (VmbootProcess vm = VmbootProcess.boot(env, "scanned-bzimage", List.of("-m", "512M", "-c", "2",
                "-i", disk + ":1:/boot/initrd.img", "-a", cmdline, disk + ":1:/boot/vmlinuz"))) {
            vm.awaitOutput(GuestMarker.PREFIX, TO_MARKER);
            int status = vm.awaitExit(TO_EXIT);
            GuestMarker marker = GuestMarker.find(vm.output())
                    .orElseThrow(() -> new AssertionError("no complete marker line" + vm.diagnostics()));
            assertEquals(2, marker.nproc(), "online CPUs" + vm.diagnostics());
            assertEquals(cmdline, marker.cmdline(), "command line" + vm.diagnostics());
            assertEquals(0, status, "clean power-off" + vm.diagnostics());
        }
    }

    /** Runs a command; fails with its output unless it exits 0 within two minutes. */
    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish");
        }
        if (p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed (" + p.exitValue() + "):\n" + out);
        }
        return out;
    }
}
