package dev.vmboot.virtio.rng.internal;

import java.util.function.LongSupplier;

/**
 * The rate bound of one entropy device: a token bucket of bytes, refilled at {@code bytesPerSecond} up to
 * {@code burstBytes}. A request takes what is there, or nothing when less than its floor is: the device then waits
 * {@link #nanosUntil} before asking again, so a guest that asks faster is served later, without a busy loop.
 * <p>
 * Tokens are kept in byte-nanoseconds (bytes × 10^9), so no fraction of a byte earned is lost between refills.
 * Not thread-safe: the device's serving thread alone uses it.
 */
final class TokenBucket {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final long bytesPerSecond;
    private final long burstBytes;
    private final LongSupplier nanoClock;
    /** Bytes × 10^9; at most {@code burstBytes × 10^9}, which {@link RngOptions} keeps below 2^63. */
    private long credit;
    private long lastRefill;

    /** Starts full. @param nanoClock a monotonic clock in nanoseconds ({@code System::nanoTime}) */
    TokenBucket(long bytesPerSecond, long burstBytes, LongSupplier nanoClock) {
        if (bytesPerSecond < 1 || burstBytes < 1 || burstBytes > RngOptions.MAX_BYTES) {
            throw new IllegalArgumentException("a token bucket needs a rate and a burst of 1.." + RngOptions.MAX_BYTES
                    + " bytes, not " + bytesPerSecond + " and " + burstBytes);
        }
        this.bytesPerSecond = bytesPerSecond;
        this.burstBytes = burstBytes;
        this.nanoClock = nanoClock;
        this.credit = burstBytes * NANOS_PER_SECOND;
        this.lastRefill = nanoClock.getAsLong();
    }

    /**
     * Takes up to {@code want} bytes: all of them if the bucket holds them, else what it holds if that is at least
     * {@code floor(want)}, else nothing.
     *
     * @return the bytes granted, 0 to {@code want}
     */
    long take(long want) {
        refill();
        long available = credit / NANOS_PER_SECOND;
        long granted = Math.min(want, available);
        if (granted < floor(want)) {
            return 0;
        }
        credit -= granted * NANOS_PER_SECOND;
        return granted;
    }

    /** How long until a {@link #take} of {@code want} bytes grants something; 0 if it would now. */
    long nanosUntil(long want) {
        refill();
        long missing = floor(want) * NANOS_PER_SECOND - credit;
        return missing <= 0 ? 0 : (missing + bytesPerSecond - 1) / bytesPerSecond;
    }

    /** The least grant worth a request: the whole request, or the burst if smaller. */
    private long floor(long want) {
        return Math.max(1, Math.min(want, burstBytes));
    }

    private void refill() {
        long now = nanoClock.getAsLong();
        long elapsed = now - lastRefill;
        lastRefill = now;
        if (elapsed <= 0) {
            return;
        }
        long max = burstBytes * NANOS_PER_SECOND;
        long toFill = (max - credit + bytesPerSecond - 1) / bytesPerSecond; // nanoseconds to fill the bucket
        credit = elapsed >= toFill ? max : credit + elapsed * bytesPerSecond;
    }
}
