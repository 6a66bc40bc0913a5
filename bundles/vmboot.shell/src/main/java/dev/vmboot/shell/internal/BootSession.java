package dev.vmboot.shell.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

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
 * end the session. Reboots are paced ({@link RebootPacer}): a guest that resets at once gets a few quick reboots, then
 * one every few seconds, told in one line when the pacing starts.
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

    /** Waits before a paced reboot; may return early once the session is stopped or closed. */
    interface Pause {
        void pause(BootSession session, long nanos) throws InterruptedException;
    }

    /** The standard pause: {@code nanos} on the system clock, or until the session is stopped or closed. */
    static final Pause UNLESS_STOPPED = BootSession::waitUnlessStopped;

    private final String name;
    private final MachineFactory factory;
    private final ResetPolicy policy;
    private final RebootPacer pacer;
    private final Pause pause;
    // Guarded by this.
    private VirtualMachine current;
    private boolean stopRequested;
    private boolean closed;
    private int reboots;
    private boolean paced;

    private BootSession(String name, MachineFactory factory, ResetPolicy policy, RebootPacer pacer, Pause pause,
            VirtualMachine first) {
        this.name = name;
        this.factory = factory;
        this.policy = policy;
        this.pacer = pacer;
        this.pause = pause;
        this.current = first;
    }

    /** Builds the first machine and starts it; reboots are paced by {@link RebootPacer#standard()}. */
    static BootSession start(String name, MachineFactory factory, ResetPolicy policy)
            throws IOException, BootException {
        return start(name, factory, policy, RebootPacer.standard(), UNLESS_STOPPED);
    }

    /** Builds the first machine and starts it, with the given pacing of reboots and the wait it asks for. */
    static BootSession start(String name, MachineFactory factory, ResetPolicy policy, RebootPacer pacer, Pause pause)
            throws IOException, BootException {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(pacer, "pacer");
        Objects.requireNonNull(pause, "pause");
        VirtualMachine vm = factory.create();
        try {
            vm.start();
        } catch (RuntimeException e) {
            vm.close();
            throw e;
        }
        return new BootSession(name, factory, policy, pacer, pause, vm);
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

    /**
     * Replaces {@code ended} with a fresh machine, after the pause the pacer asks for; false if the session was
     * stopped or closed meanwhile.
     */
    private boolean replace(VirtualMachine ended) throws IOException, BootException, InterruptedException {
        synchronized (this) {
            if (ending() || current != ended) {
                return false;
            }
        }
        ended.close();
        long delay = pacer.delayNanos();
        if (delay > 0) {
            if (!paced) {
                LOG.warn("VM {}: the guest resets faster than it can boot ({} reboots so far); from now on it reboots "
                        + "at most once every {} ms", name, reboots, pacer.intervalNanos() / 1_000_000);
            }
            paced = true;
            pause.pause(this, delay);
        } else {
            paced = false;
        }
        if (ending()) {
            return false;
        }
        VirtualMachine next = factory.create();
        synchronized (this) {
            if (ending()) {
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

    /** Whether the session was stopped or closed: no reboot may follow. */
    private synchronized boolean ending() {
        return stopRequested || closed;
    }

    private static void waitUnlessStopped(BootSession session, long nanos) throws InterruptedException {
        long end = System.nanoTime() + nanos;
        synchronized (session) {
            for (long left = nanos; left > 0 && !session.ending(); left = end - System.nanoTime()) {
                TimeUnit.NANOSECONDS.timedWait(session, left);
            }
        }
    }

    /** Stops the machine and ends the session: a reset that races with this does not reboot. */
    void stop() {
        VirtualMachine vm;
        synchronized (this) {
            stopRequested = true;
            vm = current;
            notifyAll(); // ends a paced reboot's wait
        }
        vm.stop();
    }

    @Override
    public void close() {
        VirtualMachine vm;
        synchronized (this) {
            closed = true;
            vm = current;
            notifyAll();
        }
        vm.close();
    }
}
