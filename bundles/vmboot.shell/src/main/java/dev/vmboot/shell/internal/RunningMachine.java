package dev.vmboot.shell.internal;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.vmboot.api.boot.BootException;
import dev.vmboot.api.vm.MachineSpec;
import dev.vmboot.api.vm.VmExit;
import dev.vmboot.api.vm.VmState;

/**
 * A virtual machine started from this shell, under the number {@code vmboot:list} shows: its boot session, its
 * console, what it booted and since when. One thread per machine follows the session to its end (rebooting on resets
 * if the session says so), records how it ended, detaches the terminal from its console and releases the machine;
 * {@link #ended()} completes after that, so a terminal it had is free again then. The entry stays listed until
 * {@code vmboot:stop} removes it, so that how a background VM ended and its last output can still be seen.
 */
final class RunningMachine {
    private static final Logger LOG = LoggerFactory.getLogger(RunningMachine.class);

    private final int id;
    private final BootSession session;
    private final ConsoleRelay console;
    private final String image;
    private final String protocol;
    private final MachineSpec spec;
    private final LongSupplier nanoClock;
    private final long startNanos;
    private final CompletableFuture<VmExit> exited = new CompletableFuture<>();
    private final CompletableFuture<VmExit> ended = new CompletableFuture<>();
    private volatile long endNanos;

    /**
     * @param image     what was booted, as the operator named it
     * @param protocol  the boot protocol's name
     * @param nanoClock {@link System#nanoTime}, or a test's clock
     */
    RunningMachine(int id, BootSession session, ConsoleRelay console, String image, String protocol, MachineSpec spec,
            LongSupplier nanoClock) {
        this.id = id;
        this.session = session;
        this.console = console;
        this.image = image;
        this.protocol = protocol;
        this.spec = spec;
        this.nanoClock = nanoClock;
        this.startNanos = nanoClock.getAsLong();
    }

    /** Starts the thread that follows the session to its end. */
    void follow() {
        Thread t = new Thread(this::awaitEndAndClose, "vmboot-vm-" + id);
        t.setDaemon(true);
        t.start();
    }

    private void awaitEndAndClose() {
        VmExit exit;
        try {
            exit = session.awaitEnd();
        } catch (java.io.IOException | BootException | RuntimeException e) {
            LOG.warn("VM {}: reboot failed: {}", id, e.getMessage());
            exit = new VmExit(VmState.FAILED, "reboot failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exit = new VmExit(VmState.FAILED, "interrupted");
        }
        endNanos = nanoClock.getAsLong();
        exited.complete(exit);
        // The terminal first: the console pump leaves it before the machine is closed (which then need not wait for
        // the pump), and before whoever waits for the end (a foreground boot, the boot menu after it) reads it.
        console.detachTerminal();
        session.close();
        ended.complete(exit);
    }

    int id() {
        return id;
    }

    BootSession session() {
        return session;
    }

    ConsoleRelay console() {
        return console;
    }

    String image() {
        return image;
    }

    String protocol() {
        return protocol;
    }

    MachineSpec spec() {
        return spec;
    }

    /** Completes with how the machine ended, once its session has ended and released it. */
    CompletableFuture<VmExit> ended() {
        return ended;
    }

    /**
     * Completes with how the machine ended as soon as its session has ended: before its terminal is detached (so a
     * terminal detached with this done was detached by the end, not by Ctrl-]) and before it is released.
     */
    CompletableFuture<VmExit> exited() {
        return exited;
    }

    /**
     * How the machine ended, once it is released, if its session has ended (its terminal was detached by the end);
     * empty if it runs on. Waits up to TIMEOUT for the release, then answers with how it ended all the same.
     */
    Optional<VmExit> endOnceReleased(Duration timeout) {
        VmExit exit = exited.getNow(null);
        if (exit == null) {
            return Optional.empty();
        }
        if (awaitEndUninterruptibly(timeout).isEmpty()) {
            LOG.warn("VM {}: ended, but not released within {} s", id, timeout.toSeconds());
        }
        return Optional.of(exit);
    }

    /** How it ended, waiting up to TIMEOUT; empty if it still runs. */
    Optional<VmExit> awaitEnd(Duration timeout) throws InterruptedException {
        try {
            return Optional.of(ended.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** How it ended, waiting up to TIMEOUT whatever interrupts come (kept for the caller); empty if it still runs. */
    Optional<VmExit> awaitEndUninterruptibly(Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        boolean interrupted = Thread.interrupted();
        try {
            while (true) {
                try {
                    return Optional.of(ended.get(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS));
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (TimeoutException e) {
                    return Optional.empty();
                } catch (ExecutionException e) {
                    throw new IllegalStateException(e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Its state now: the session's machine's while it runs, how it ended after. */
    VmState state() {
        VmExit exit = ended.getNow(null);
        return exit != null ? exit.state() : session.machine().state();
    }

    /** How long it has run: until now, or until it ended. */
    Duration uptime() {
        long end = ended.isDone() ? endNanos : nanoClock.getAsLong();
        return Duration.ofNanos(Math.max(0, end - startNanos));
    }

    /** "VM 2 ended: powered_off (the guest powered off)", as the shell reports an end. */
    static String describeEnd(int id, VmExit exit) {
        return "VM " + id + " ended: " + exit.state().name().toLowerCase()
                + (exit.detail().isEmpty() ? "" : " (" + exit.detail() + ")");
    }
}
