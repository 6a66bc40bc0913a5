package dev.vmboot.shell.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.vmboot.api.boot.BootException;
import dev.vmboot.api.vm.VirtualMachine;
import dev.vmboot.api.vm.VmExit;
import dev.vmboot.api.vm.VmState;

/**
 * One booted image: the virtual machine running it and what a guest reset does. With {@link ResetPolicy#STOP} the
 * session ends with the machine ({@link VmState#RESET}); with {@link ResetPolicy#REBOOT} the machine is closed and a
 * fresh one is built and loaded the same way and started: a cold restart with new RAM, devices and vCPUs and the image
 * laid out again, as a PC reset starts the firmware over. Power-off, triple fault, failure and {@link #stop()} always
 * end the session.
 */
final class BootSession implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BootSession.class);
    private static final Duration FOREVER = Duration.ofDays(3650);

    /** What a guest-requested reset (0xCF9, i8042, ACPI reset register, port 0x92) does. */
    enum ResetPolicy {
        STOP, REBOOT;

        static ResetPolicy parse(String value) {
            try {
                return valueOf(value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--on-reset must be 'stop' or 'reboot', not '" + value + "'");
            }
        }
    }

    /** Builds a machine and lays the image into it, not started; the same way every time. */
    interface MachineFactory {
        VirtualMachine create() throws IOException, BootException;
    }

    private final String name;
    private final MachineFactory factory;
    private final ResetPolicy policy;
    // Guarded by this.
    private VirtualMachine current;
    private boolean stopRequested;
    private boolean closed;
    private int reboots;

    private BootSession(String name, MachineFactory factory, ResetPolicy policy, VirtualMachine first) {
        this.name = name;
        this.factory = factory;
        this.policy = policy;
        this.current = first;
    }

    /** Builds the first machine and starts it. */
    static BootSession start(String name, MachineFactory factory, ResetPolicy policy)
            throws IOException, BootException {
        Objects.requireNonNull(policy, "policy");
        VirtualMachine vm = factory.create();
        try {
            vm.start();
        } catch (RuntimeException e) {
            vm.close();
            throw e;
        }
        return new BootSession(name, factory, policy, vm);
    }

    /** The machine running now (a reboot replaces it). */
    synchronized VirtualMachine machine() {
        return current;
    }

    synchronized int reboots() {
        return reboots;
    }

    /**
     * Waits until the session ends, rebooting on resets if the policy says so, and returns how the last machine
     * ended. The session stays open: {@link #close()} releases the machine.
     *
     * @throws IOException or BootException when a reboot cannot build or load the new machine
     */
    VmExit awaitEnd() throws InterruptedException, IOException, BootException {
        while (true) {
            VirtualMachine vm = machine();
            Optional<VmExit> exit = vm.awaitExit(FOREVER);
            while (exit.isEmpty()) {
                exit = vm.awaitExit(FOREVER);
            }
            if (exit.get().state() != VmState.RESET || policy != ResetPolicy.REBOOT || !replace(vm)) {
                return exit.get();
            }
        }
    }

    /** Replaces {@code ended} with a fresh machine; false if the session was stopped or closed meanwhile. */
    private boolean replace(VirtualMachine ended) throws IOException, BootException {
        synchronized (this) {
            if (stopRequested || closed || current != ended) {
                return false;
            }
        }
        ended.close();
        VirtualMachine next = factory.create();
        synchronized (this) {
            if (stopRequested || closed) {
                next.close();
                return false;
            }
            current = next;
            reboots++;
            LOG.info("VM {}: the guest reset; rebooting (reboot {})", name, reboots);
            try {
                next.start();
            } catch (RuntimeException e) {
                current = ended;
                next.close();
                throw e;
            }
        }
        return true;
    }

    /** Stops the machine and ends the session: a reset that races with this does not reboot. */
    void stop() {
        VirtualMachine vm;
        synchronized (this) {
            stopRequested = true;
            vm = current;
        }
        vm.stop();
    }

    @Override
    public void close() {
        VirtualMachine vm;
        synchronized (this) {
            closed = true;
            vm = current;
        }
        vm.close();
    }
}
