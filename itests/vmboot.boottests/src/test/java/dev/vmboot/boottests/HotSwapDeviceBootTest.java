package dev.vmboot.boottests;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A device plug-in rebuilt while vmboot runs, as a developer does: the interactive shell boots a small guest (every VM
 * has the default entropy device of {@code vmboot.virtio.rng}), the plug-in's jar (the same symbolic name and
 * version, as {@code mvn install} of that one module makes it) is copied into {@code deploy/}, FileInstall updates
 * the installed plug-in with it, the running VM is stopped cleanly with the reason, and the next {@code boot} in the
 * same process gets its device from the updated bundle (the log names each VM's device plug-ins with the time their
 * bundle was installed or updated).
 */
@Tag("kvm")
class HotSwapDeviceBootTest {
    private static final String RNG = "vmboot.virtio.rng";
    private static final String DEVICES_FROM = "devices from [rng: " + RNG + " ";
    private static final Duration FIRST_MARKER = Duration.ofMinutes(4);
    private static final Duration NEXT_MARKER = Duration.ofMinutes(2);
    /** FileInstall polls deploy/ every second; the update then waits for the VM to be closed. */
    private static final Duration DEPLOY_TIMEOUT = Duration.ofMinutes(2);

    private final BootTestEnvironment env = BootTestEnvironment.fromSystemProperties();

    @TempDir
    Path tmp;

    @Test
    void aDevicePluginUpdatedThroughDeployStopsTheVmBuiltWithItAndTheNextVmGetsTheNewOne() throws Exception {
        Path home = tmp.resolve("vmboot");
        Path dist = env.launcher().getParent().getParent();
        for (String dir : List.of("bin", "lib", "etc", "bundle", "deploy")) {
            DropInBundleTest.copyTree(dist.resolve(dir), home.resolve(dir));
        }
        // Its class data sharing archive names the original paths; a copy runs without it.
        Files.deleteIfExists(home.resolve("lib/vmboot.jsa"));
        Path rngJar;
        try (Stream<Path> jars = Files.list(home.resolve("bundle"))) {
            rngJar = jars.filter(p -> p.getFileName().toString().startsWith(RNG + "-")).findFirst().orElseThrow();
        }
        Path guest = Files.write(tmp.resolve("guest.elf"), SoakTest.guestImage());
        String boot = "boot -p pvh -m 128M -c 1 " + guest + "\n";

        try (VmbootProcess shell = VmbootProcess.start(home.resolve("bin/vmboot"), env.transcriptDir(), "hotswap",
                List.of())) {
            shell.type(boot);
            int first = shell.awaitOutput(SoakTest.MARKER, 0, FIRST_MARKER);
            String builtWith = devicesLine(shell, 0);

            Path staged = Files.copy(rngJar, tmp.resolve("staged.jar"));
            Files.move(staged, home.resolve("deploy").resolve(rngJar.getFileName()), StandardCopyOption.ATOMIC_MOVE);
            String stopped = "ended: stopped (its rng device plug-in " + RNG + " ";
            int end = shell.awaitOutput(stopped, first, DEPLOY_TIMEOUT);
            // The update goes on after the VM is closed (FileInstall's thread): boot once the new factory is there.
            end = awaitRngUpdated(shell, builtWith, end);

            shell.type(boot);
            int second = shell.awaitOutput(SoakTest.MARKER, end, NEXT_MARKER);
            String rebuiltWith = devicesLine(shell, 1);
            assertNotEquals(builtWith, rebuiltWith, "the second VM's rng device is of the updated bundle"
                    + shell.diagnostics());
            assertTrue(log(shell).contains("virtio device plug-in " + RNG + " updated to "), shell.diagnostics());
            assertTrue(second > end, shell.diagnostics());
            // The second guest waits for a key it does not get here: closing the shell's process ends it.
        }
    }

    /**
     * Types {@code devices} until its rng line names the bundle otherwise than BUILTWITH (the plug-ins of the first
     * VM) does; where the output was then.
     */
    private static int awaitRngUpdated(VmbootProcess shell, String builtWith, int from) throws Exception {
        String firstBundle = builtWith.substring(DEVICES_FROM.length(), builtWith.indexOf(')') + 1);
        long deadline = System.nanoTime() + DEPLOY_TIMEOUT.toNanos();
        while (true) {
            int start = shell.output().length();
            shell.type("devices\n");
            int end = shell.awaitOutput("hypervisors:", start, NEXT_MARKER);
            String rng = shell.output().substring(start, end).lines()
                    .filter(l -> l.startsWith("  rng ") || l.contains("  rng  ")).findFirst().orElse("");
            if (rng.contains(RNG + " ") && !rng.contains(firstBundle)) {
                return end;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("devices still lists " + firstBundle + ": " + rng + shell.diagnostics());
            }
            Thread.sleep(500);
        }
    }

    /** The interactive shell's log goes to its console (its terminal), a one-shot run's to stderr: both, in order. */
    private static String log(VmbootProcess shell) throws IOException {
        return shell.output() + "\n" + shell.errors();
    }

    /** The plug-ins of the INDEX-th VM the log names (from "devices from [" on), waiting for the log to have it. */
    private static String devicesLine(VmbootProcess shell, int index) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + NEXT_MARKER.toNanos();
        while (true) {
            List<String> lines = log(shell).lines().filter(l -> l.contains(DEVICES_FROM))
                    .map(l -> l.substring(l.indexOf(DEVICES_FROM))).toList();
            if (lines.size() > index) {
                return lines.get(index);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + (index + 1) + ". \"" + DEVICES_FROM + "\" in the log"
                        + shell.diagnostics());
            }
            Thread.sleep(200);
        }
    }
}
