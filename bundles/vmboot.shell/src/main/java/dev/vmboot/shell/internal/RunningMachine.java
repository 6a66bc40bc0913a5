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
 * if the session says so), records how it ended and releases the machine; the entry stays listed until
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
