package dev.vmboot.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.vmboot.api.boot.BootException;
import dev.vmboot.api.vm.MachineSpec;
import dev.vmboot.api.vm.VmExit;
import dev.vmboot.api.vm.VmState;

/**
 * {@code vmboot:list}, {@code vmboot:console} and {@code vmboot:stop} on machines started in the background: the
 * power button first and a forced stop after the timeout, a console that replays what the VM wrote, one console per VM.
 */
class VmManagementCommandsTest {
    private static final VmExit OFF = new VmExit(VmState.POWERED_OFF, "the guest powered off");

    @TempDir
    Path tmp;
    private VmbootCommands commands;
    private OneShotShell shell;

    private void aShell() {
        commands = new VmbootCommands(new InMemoryDisk("disk.img"), new BlockDeviceOverlap(tmp));
        shell = new OneShotShell(commands);
    }

    /** Starts MACHINE as a detached boot of IMAGE would, and returns its entry. */
    private RunningMachine started(ScriptedMachine machine, String image) throws IOException, BootException {
        if (commands == null) {
            aShell();
        }
        ConsoleRelay relay = new ConsoleRelay();
        BootSession session = BootSession.start(machine.spec().name(), () -> machine, BootSession.ResetPolicy.STOP);
        return commands.machines().add(session, relay, image, "pvh", machine.spec());
    }

    private static ScriptedMachine running(ScriptedMachine.PowerButton button) {
        ScriptedMachine m = new ScriptedMachine(null, new MachineSpec("vmlinux", 512L << 20, 2, null));
        m.powerButton = button;
        return m;
    }

    @AfterEach
    void closeTheMachines() {
        if (commands != null) {
            commands.deactivate();
        }
    }

    @Test
    void aGuestThatObeysThePowerButtonPowersOffAndLeavesTheList() throws Exception {
        ScriptedMachine m = running(ScriptedMachine.PowerButton.OBEYED);
        started(m, "disk.img:1:/vmlinux");
        OneShotShell.Result r = shell.command("vmboot:stop", "1");
        assertEquals(0, r.status(), r.toString());
        assertEquals("VM 1: power button pressed; waiting up to 30 s for the guest to power off (stop --force 1 does "
                + "not wait)\nVM 1 ended: powered_off (the guest powered off)\n", r.out());
        assertEquals(1, m.presses);
        assertEquals(new OneShotShell.Result(0, "no virtual machines\n", ""), shell.command("vmboot:list"));
    }

    @Test
    void aGuestThatIgnoresThePowerButtonIsStoppedAfterTheTimeout() throws Exception {
        ScriptedMachine m = running(ScriptedMachine.PowerButton.IGNORED);
        started(m, "disk.img:1:/vmlinux");
        long start = System.nanoTime();
        OneShotShell.Result r = shell.command("vmboot:stop", "--timeout", "1", "1");
        long took = System.nanoTime() - start;
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.out().endsWith("VM 1 did not power off within 1 s of the power button: stopped\n"), r.toString());
        assertTrue(took >= TimeUnit.SECONDS.toNanos(1), "waited the timeout: " + took + " ns");
        assertEquals(1, m.presses);
        assertEquals(VmState.STOPPED, m.exit.state());
    }

    @Test
    void aMachineThatRefusesThePressOrStopWithForceIsStoppedAtOnce() throws Exception {
        ScriptedMachine refusing = running(ScriptedMachine.PowerButton.REFUSED);
        ScriptedMachine obeying = running(ScriptedMachine.PowerButton.OBEYED);
        started(refusing, "vmlinux");
        started(obeying, "OVMF.fd");
        assertEquals(new OneShotShell.Result(0, "VM 1 ended before its power button was pressed: stopped\n", ""),
                shell.command("vmboot:stop", "1"));
        assertEquals(new OneShotShell.Result(0, "VM 2 stopped\n", ""), shell.command("vmboot:stop", "--force", "2"));
        assertEquals(0, obeying.presses, "--force does not ask the guest");
        assertEquals(VmState.STOPPED, refusing.exit.state());
        assertEquals(VmState.STOPPED, obeying.exit.state());
    }

    @Test
    void aMachineThatEndedStaysListedUntilStopRemovesIt() throws Exception {
        RunningMachine ended = started(new ScriptedMachine(OFF, new MachineSpec("OVMF.fd", 1L << 30, 1, null)),
                "/usr/share/ovmf/OVMF.fd");
        ended.ended().get(10, TimeUnit.SECONDS);
        started(running(ScriptedMachine.PowerButton.REFUSED), "disk.img:2:/boot/" + "x".repeat(60) + "/vmlinux");
        String[] lines = shell.command("vmboot:list").out().split("\n");
        assertEquals(3, lines.length, String.join("\n", lines));
        assertTrue(lines[0].matches("ID +IMAGE +PROTOCOL +MEMORY +CPUS +UPTIME +STATE"), lines[0]);
        assertTrue(lines[1].matches("1 +/usr/share/ovmf/OVMF\\.fd +pvh +1\\.0 GiB +1 +0:00:\\d\\d +powered_off"),
                lines[1]);
        assertTrue(lines[2].matches("2 +…x{27}/vmlinux +pvh +512(\\.0)? MiB +2 +0:00:\\d\\d +running"), lines[2]);
        assertEquals(new OneShotShell.Result(0, "VM 1 ended: powered_off (the guest powered off); removed from the "
                + "list\n", ""), shell.command("vmboot:stop", "1"));
        assertEquals(new OneShotShell.Result(1, "", "vmboot: stop: there is no VM 1; vmboot:list shows the VMs "
                + "started from this shell\n"), shell.command("vmboot:stop", "1"));
    }

    @Test
    void theConsoleOfAnEndedMachineShowsItsLastOutput() throws Exception {
        RunningMachine m = started(running(ScriptedMachine.PowerButton.REFUSED), "vmlinux");
        m.console().console().output().write("Linux version 6.1\nreboot: Power down\n".getBytes(
                StandardCharsets.US_ASCII));
        m.session().stop();
        m.ended().get(10, TimeUnit.SECONDS);
        assertEquals(new OneShotShell.Result(0, "[VM 1's console]\nLinux version 6.1\nreboot: Power down\n\nVM 1 "
                + "ended: stopped (stopped from outside)\n", ""), shell.command("vmboot:console", "1"));
    }

    @Test
    void theConsoleFollowsARunningMachineAndIsOneAtATime() throws Exception {
        RunningMachine m = started(running(ScriptedMachine.PowerButton.REFUSED), "vmlinux");
        m.console().console().output().write("before\n".getBytes(StandardCharsets.US_ASCII));
        CompletableFuture<OneShotShell.Result> attached = CompletableFuture.supplyAsync(
                () -> shell.command("vmboot:console", "1"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!m.console().isAttached() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(m.console().isAttached());
        assertEquals(new OneShotShell.Result(1, "", "vmboot: console: VM 1 is attached to another console; detach it "
                + "there first (Ctrl-])\n"), shell.command("vmboot:console", "1"));
        m.console().console().output().write("after\n".getBytes(StandardCharsets.US_ASCII));
        m.session().stop();
        assertEquals(new OneShotShell.Result(0, "[VM 1's console]\nbefore\nafter\n\nVM 1 ended: stopped (stopped "
                + "from outside)\n", ""), attached.get(10, TimeUnit.SECONDS));
    }

    /**
     * When a machine ends, its terminal is handed back before the machine is closed (the console pump leaves the
     * terminal first, so closing need not wait for it), and the command attached to it returns only once it is closed
     * (whoever reads the terminal next is its only reader).
     */
    @Test
    void anEndedMachinesTerminalIsDetachedBeforeItClosesAndTheConsoleReturnsAfter() throws Exception {
        ScriptedMachine vm = running(ScriptedMachine.PowerButton.REFUSED);
        AtomicBoolean attachedAtClose = new AtomicBoolean(true);
        RunningMachine[] m = new RunningMachine[1];
        vm.atClose = () -> attachedAtClose.set(m[0].console().isAttached());
        m[0] = started(vm, "vmlinux");
        CompletableFuture<OneShotShell.Result> attached = CompletableFuture.supplyAsync(
                () -> shell.command("vmboot:console", "1"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!m[0].console().isAttached() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(m[0].console().isAttached());
        vm.stop(); // the guest ends by itself, as a power-off does
        OneShotShell.Result r = attached.get(10, TimeUnit.SECONDS);
        assertTrue(r.out().endsWith("\nVM 1 ended: stopped (stopped from outside)\n"), r.toString());
        assertTrue(vm.closed, "closed before the console command returned");
        assertFalse(attachedAtClose.get(), "the terminal was detached before the machine closed");
    }

    @Test
    void badIdsAndTimeoutsAreRefusedWithOneSentence() throws Exception {
        aShell();
        assertEquals(new OneShotShell.Result(2, "", "vmboot: stop: 'one' is not a VM ID; vmboot:list shows the "
                + "IDs\n"), shell.command("vmboot:stop", "one"));
        assertEquals(new OneShotShell.Result(2, "", "vmboot: console: '-1' is not a VM ID; vmboot:list shows the "
                + "IDs\n"), shell.command("vmboot:console", "--", "-1"));
        assertEquals(new OneShotShell.Result(2, "", "vmboot: stop: --timeout '0' is not a number of seconds from 1 to "
                + "3600\n"), shell.command("vmboot:stop", "--timeout", "0", "1"));
        assertEquals(new OneShotShell.Result(2, "", "vmboot: stop: --timeout 'soon' is not a number of seconds from 1 "
                + "to 3600\n"), shell.command("vmboot:stop", "-t", "soon", "1"));
        assertEquals(new OneShotShell.Result(1, "", "vmboot: console: there is no VM 3; vmboot:list shows the VMs "
                + "started from this shell\n"), shell.command("vmboot:console", "3"));
    }
    /** A running VM's device counters as they are at the call: those at 0 left out and counted, or all with --all. */
    @Test
    void countersShowEachDevicesCountersAsTheyAreNow() throws Exception {
        ScriptedMachine m = running(ScriptedMachine.PowerButton.OBEYED);
        Map<String, Long> blk = new LinkedHashMap<>();
        blk.put("read_requests", 1234L);
        blk.put("write_requests", 0L);
        blk.put("io_errors", 0L);
        Map<String, Long> rng = new LinkedHashMap<>();
        rng.put("bytes", 1_048_576L);
        rng.put("refused: queue_size", 0L);
        Map<String, Map<String, Long>> devices = new LinkedHashMap<>();
        devices.put("vm1-virtio-blk0", blk);
        devices.put("vm1-virtio-rng0", rng);
        m.counters = devices;
        started(m, "disk.img:1:/vmlinux");
        assertEquals(new OneShotShell.Result(0, "vm1-virtio-blk0\n"
                + String.format("  %-40s %20s%n", "read_requests", "1,234")
                + "  (2 more at 0; counters --all shows them)\n"
                + "vm1-virtio-rng0\n"
                + String.format("  %-40s %20s%n", "bytes", "1,048,576")
                + "  (1 more at 0)\n", ""), shell.command("vmboot:counters", "1"));
        String all = shell.command("vmboot:counters", "--all", "1").out();
        assertTrue(all.contains(String.format("  %-40s %20s%n", "write_requests", "0"))
                && all.contains(String.format("  %-40s %20s%n", "refused: queue_size", "0"))
                && !all.contains("more at 0"), all);
        blk.put("read_requests", 1235L); // counters are read at each call
        assertTrue(shell.command("vmboot:counters", "1").out().contains("1,235"));
    }

    @Test
    void countersOfAMachineWithoutDevicesOrOfNoMachineSayWhy() throws Exception {
        started(running(ScriptedMachine.PowerButton.OBEYED), "disk.img:1:/vmlinux");
        assertEquals(new OneShotShell.Result(0, "VM 1 has no devices with counters\n", ""),
                shell.command("vmboot:counters", "1"));
        assertEquals(new OneShotShell.Result(1, "", "vmboot: counters: there is no VM 7; vmboot:list shows the VMs "
                + "started from this shell\n"), shell.command("vmboot:counters", "7"));
        assertEquals(2, shell.command("vmboot:counters").status());
        assertEquals(2, shell.command("vmboot:counters", "x1").status());
    }

    /** A device plug-in names its counters: a name with control characters is shown escaped and bounded. */
    @Test
    void aCounterNameFromAPlugInIsShownEscapedAndBounded() throws Exception {
        ScriptedMachine m = running(ScriptedMachine.PowerButton.OBEYED);
        m.counters = Map.of("dev\u001b[2J", Map.of("x".repeat(200), 5L));
        started(m, "disk.img:1:/vmlinux");
        String out = shell.command("vmboot:counters", "1").out();
        assertTrue(out.startsWith("dev\\x1b[2J\n  " + "x".repeat(80) + "... "), out);
        assertFalse(out.contains("\u001b"), out);
    }
}
