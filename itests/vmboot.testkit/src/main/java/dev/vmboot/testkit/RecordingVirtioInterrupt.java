package dev.vmboot.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.vmboot.api.virtio.VirtioInterrupt;

/**
 * A {@link VirtioInterrupt} that records every signal in order, for device tests. Thread-safe, as the interface
 * requires: a device's queue workers may signal while the test thread reads or waits.
 */
public final class RecordingVirtioInterrupt implements VirtioInterrupt {

    /** What was signalled. */
    public enum Kind {
        /** {@link VirtioInterrupt#queue(int)} */
        QUEUE,
        /** {@link VirtioInterrupt#config()} */
        CONFIG,
        /** {@link VirtioInterrupt#needsReset()} */
        NEEDS_RESET
    }

    /**
     * One call.
     *
     * @param kind  which method
     * @param queue the queue index for {@link Kind#QUEUE}, else -1
     */
    public record Signal(Kind kind, int queue) {
    }

    private final List<Signal> signals = new ArrayList<>();

    @Override
    public void queue(int index) {
        record(new Signal(Kind.QUEUE, index));
    }

    @Override
    public void config() {
        record(new Signal(Kind.CONFIG, -1));
    }

    @Override
    public void needsReset() {
        record(new Signal(Kind.NEEDS_RESET, -1));
    }

    private synchronized void record(Signal signal) {
        signals.add(signal);
        notifyAll();
    }

    /** Every signal so far, in order. */
    public synchronized List<Signal> signals() {
        return List.copyOf(signals);
    }

    /** How many times queue {@code index} was signalled. */
    public synchronized int queueSignals(int index) {
        return count(new Signal(Kind.QUEUE, index));
    }

    /** How many configuration-change signals there were. */
    public synchronized int configSignals() {
        return count(new Signal(Kind.CONFIG, -1));
    }

    /** How many needs-reset signals there were. */
    public synchronized int needsResetSignals() {
        return count(new Signal(Kind.NEEDS_RESET, -1));
    }

    private int count(Signal wanted) {
        int n = 0;
        for (Signal s : signals) {
            if (s.equals(wanted)) {
                n++;
            }
        }
        return n;
    }

    /** Forgets the signals so far. */
    public synchronized void clear() {
        signals.clear();
    }

    /**
     * Waits until queue {@code index} has been signalled at least {@code count} times in all, or {@code timeout}
     * passed.
     *
     * @return whether it was
     */
    public synchronized boolean awaitQueueSignals(int index, int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (queueSignals(index) < count) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }
}
