package dev.vmboot.shell.internal;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * How often a guest's resets may rebuild its machine ({@code --on-reset reboot}): a burst of {@value #BURST} reboots
 * at once, then one every {@link #INTERVAL} (a token bucket, kept as the theoretical arrival time of the generic cell
 * rate algorithm, ITU-T I.371). Unpaced, a guest that resets at once made about 30 machines a second (issue 11, item
 * 10). A guest that boots anything before it resets takes longer than the interval: a boot to the UEFI shell took
 * 9.9 s from VM creation in the lab (README, bench/boot.sh), so firmware or an OS that resets a few times on its way
 * is never held up.
 */
final class RebootPacer {
    static final int BURST = 5;
    static final Duration INTERVAL = Duration.ofSeconds(2);

    private final long intervalNanos;
    /** How far ahead of now the arrival time may run: the burst beyond the first reboot. */
    private final long toleranceNanos;
    private final LongSupplier nanoClock;
    private long arrival;

    RebootPacer(int burst, Duration interval, LongSupplier nanoClock) {
        if (burst < 1 || interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("reboot pacing needs a burst of at least 1 and an interval longer "
                    + "than 0, not " + burst + " and " + interval);
        }
        this.intervalNanos = interval.toNanos();
        this.toleranceNanos = (burst - 1) * intervalNanos;
        this.nanoClock = nanoClock;
        this.arrival = nanoClock.getAsLong();
    }

    /** {@value #BURST} reboots, then one every {@link #INTERVAL}, on the system clock. */
    static RebootPacer standard() {
        return new RebootPacer(BURST, INTERVAL, System::nanoTime);
    }

    /** Counts a reboot and says how long it waits first: 0 within the burst. */
    synchronized long delayNanos() {
        long now = nanoClock.getAsLong();
        long due = Math.max(arrival, now);
        long delay = Math.max(0, due - toleranceNanos - now);
        arrival = due + intervalNanos;
        return delay;
    }

    long intervalNanos() {
        return intervalNanos;
    }
}
