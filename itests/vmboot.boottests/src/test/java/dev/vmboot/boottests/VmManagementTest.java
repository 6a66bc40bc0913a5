package dev.vmboot.boottests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * VM management in the interactive shell ({@code bin/vmboot} with no arguments, typed into as an operator would) with
 * Debian's kernel and the busybox initramfs: {@code boot --detach}, {@code list}, {@code counters}, {@code console}
 * with its backlog and Ctrl-], and {@code stop}: the ACPI power button, which a guest that handles it answers by
 * powering off, on the cloud-hypervisor platform (the control-method button through its Generic Event Device) and on
 * the PC platform (OVMF booting the kernel; the fixed button), and a guest that ignores it is stopped after the
 * timeout.
 */
@Tag("kvm")
class VmManagementTest {
    private static final Path OVMF = Path.of("/usr/share/ovmf/OVMF.fd");
    /** The kernel boots to init in 5-11 s under QEMU-KVM in the nested lab; OVMF adds 10-20 s; ample room. */
    private static final Duration TO_GUEST = Duration.ofMinutes(8);
    private static final Duration TO_COMMAND = Duration.ofMinutes(2);
    /** What stop waits for a guest that handles the power button: its kernel and init act within seconds. */
    private static final int POWER_BUTTON_TIMEOUT_S = 120;
    /** What stop waits for a guest that ignores it, before stopping it. */
    private static final int IGNORED_TIMEOUT_S = 10;
    private static final String DETACH = "\u001d";

    private static BootTestEnvironment env;
    private static GuestImages guest;

    @BeforeAll
    static void prepareGuest() throws Exception {
        env = BootTestEnvironment.fromSystemProperties();
        guest = GuestImages.prepare(env);
    }

    /** Types LINE into the shell and waits for EXPECTED after it; returns the output from the line on. */
    private static String command(VmbootProcess shell, String line, String expected, Duration timeout)
            throws Exception {
        int from = shell.output().length();
        shell.type(line + "\n");
        int at = shell.awaitOutput(expected, from, timeout);
        return shell.output().substring(from, at + expected.length());
    }

    private static String linuxBoot(String cmdline) {
        return "boot --detach -p linux -m 256M -c 1 -i " + guest.initramfs() + " -a '" + cmdline + "' "
                + guest.bzImage();
    }

    private static String ovmfBoot(String cmdline) {
        return "boot --detach -p firmware -m 512M -c 1 -k " + guest.bzImage() + " -i " + guest.initramfs() + " -a '"
                + cmdline + "' " + OVMF;
    }

    /**
     * VM ID's guest, booted with vmboot.powerbutton=obey, waits for the power button; {@code stop} presses it and the
     * guest powers off.
     */
    private static void stopAGuestThatObeysThePowerButton(VmbootProcess shell, int id) throws Exception {
        awaitOnConsole(shell, id, "VMBOOT-GUEST-AWAITING-POWER-BUTTON");
        assertFalse(shell.output().contains("VMBOOT-GUEST-NO-POWER-BUTTON"), shell.diagnostics());
        String stopped = command(shell, "stop --timeout " + POWER_BUTTON_TIMEOUT_S + " " + id, "VM " + id + " ended: ",
                Duration.ofSeconds(POWER_BUTTON_TIMEOUT_S + 60));
        assertTrue(stopped.contains("VM " + id + ": power button pressed; waiting up to " + POWER_BUTTON_TIMEOUT_S
                + " s"), stopped + shell.diagnostics());
        shell.awaitOutput("VM " + id + " ended: powered_off (the guest powered off)", TO_COMMAND);
    }

    /** Attaches to VM ID, waits for TEXT from its guest, detaches with Ctrl-]. */
    private static void awaitOnConsole(VmbootProcess shell, int id, String text) throws Exception {
        int from = shell.output().length();
        shell.type("console " + id + "\n");
        shell.awaitOutput("[VM " + id + "'s console; Ctrl-] detaches]", from, TO_COMMAND);
        shell.awaitOutput(text, from, TO_GUEST); // in the backlog, or once the guest prints it
        from = shell.output().length();
        shell.type(DETACH);
        shell.awaitOutput("detached from VM " + id, from, TO_COMMAND);
    }

    @Test
    void aDetachedVmIsListedItsConsoleAttachesAndDetachesAndStopEndsIt() throws Exception {
        try (VmbootProcess shell = VmbootProcess.start(env.launcher(), env.transcriptDir(), "vm-management", List.of())) {
            shell.awaitOutput("vmboot> ", TO_COMMAND);
            String started = command(shell, linuxBoot("console=ttyS0 quiet vmboot.echo=1"), "attaches to it",
                    TO_COMMAND);
            assertTrue(started.contains("started VM 1 ("), started + shell.diagnostics());
            String list = command(shell, "list", "running", TO_COMMAND);
            assertTrue(list.matches("(?s).*ID +IMAGE +PROTOCOL +MEMORY +CPUS +UPTIME +STATE.*\n1 +\\S*"
                    + "(bzImage|vmlinuz)\\S* +linux +256(\\.0)? MiB +1 +\\d:\\d\\d:\\d\\d +running"),
                    list + shell.diagnostics());

            awaitOnConsole(shell, 1, "VMBOOT-GUEST-READY");
            // Its devices' counters while it runs: the default entropy device is there, with every counter (--all).
            String counters = command(shell, "counters --all 1", "invalid_chain_order", TO_COMMAND);
            assertTrue(counters.matches("(?s).*virtio-rng\\S*\r?\n {2}requests +[0-9,]+\r?\n"
                    + " {2}bytes +[0-9,]+\r?\n.*"), counters + shell.diagnostics());

            // Attached again: the backlog first (the boot log and READY again), then what is typed reaches the guest.
            String again = command(shell, "console 1", "VMBOOT-GUEST-READY", TO_COMMAND);
            assertTrue(again.contains("[VM 1's console; Ctrl-] detaches]"), again);
            shell.type("typed after attaching again\r");
            shell.awaitOutput("VMBOOT-GUEST-ECHO typed after attaching again", TO_GUEST);
            shell.awaitOutput("VM 1 ended: powered_off", TO_GUEST);
            command(shell, "list", "powered_off", TO_COMMAND);
            command(shell, "stop 1", "VM 1 ended: powered_off (the guest powered off); removed from the list",
                    TO_COMMAND);
            command(shell, "list", "no virtual machines", TO_COMMAND);

            // The cloud-hypervisor platform's power button: the control-method one, raised through its GED.
            command(shell, linuxBoot("console=ttyS0 quiet vmboot.powerbutton=obey"), "started VM 2", TO_COMMAND);
            stopAGuestThatObeysThePowerButton(shell, 2);
            command(shell, "exit", "gosh: stopping framework", TO_COMMAND);
            assertEquals(0, shell.awaitExit(TO_COMMAND), shell.diagnostics());
        }
    }

    @Test
    void onAPcThePowerButtonPowersOffAGuestThatHandlesItAndOneThatIgnoresItIsStopped() throws Exception {
        try (VmbootProcess shell = VmbootProcess.start(env.launcher(), env.transcriptDir(), "vm-power-button",
                List.of())) {
            shell.awaitOutput("vmboot> ", TO_COMMAND);
            command(shell, ovmfBoot("console=ttyS0 quiet vmboot.powerbutton=obey"), "started VM 1", TO_COMMAND);
            stopAGuestThatObeysThePowerButton(shell, 1);

            command(shell, ovmfBoot("console=ttyS0 quiet vmboot.powerbutton=ignore"), "started VM 2", TO_COMMAND);
            awaitOnConsole(shell, 2, "VMBOOT-GUEST-AWAITING-POWER-BUTTON");
            command(shell, "stop --timeout " + IGNORED_TIMEOUT_S + " 2", "VM 2 did not power off within "
                    + IGNORED_TIMEOUT_S + " s of the power button: stopped", Duration.ofSeconds(IGNORED_TIMEOUT_S + 60));
            command(shell, "exit", "gosh: stopping framework", TO_COMMAND);
            assertEquals(0, shell.awaitExit(TO_COMMAND), shell.diagnostics());
        }
    }
}
