package dev.vmboot.api.device;

import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The budget of log lines one virtual machine's guest can cause. A guest drives its devices as fast as it likes, and a
 * device that logs each bad request would let it write to the host's log without bound (issue 11: 426,283 fw_cfg
 * warnings, 74 MB, in 10 s). So every line a guest can cause, through any device of its machine, goes through the
 * machine's one limiter: at most {@code linesPerWindow} lines are logged in each window (by default
 * {@value #DEFAULT_LINES} a minute); the rest are counted. The first line over the budget says that lines are being
 * counted from then on, and the first call of a later window, or {@link #close()}, logs how many were suppressed:
 * so at most two summary lines a window come on top of the budget.
 * <p>
 * Lines of a level the logger does not log take nothing from the budget. Thread-safe: vCPU threads and device
 * threads share one limiter.
 */
public final class GuestLogLimiter {
    /** "At most a few hundred lines per VM per minute" (issue 11, item 7). */
    public static final int DEFAULT_LINES = 200;
    public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(1);

    private final String source;
    private final int linesPerWindow;
    private final long windowNanos;
    private final LongSupplier nanoClock;
    private final Logger summaryLog;
    /** The window for the summaries: "60 s". */
    private final String windowText;
    // Guarded by this.
    private long windowStart;
    private int logged;
    private long suppressedInWindow;
    private long suppressedTotal;

    /**
     * @param source     what the summaries name, e.g. {@code "VM vmlinux"}
     * @param nanoClock  a monotonic clock in nanoseconds ({@code System::nanoTime})
     * @param summaryLog where the summaries go
     */
    public GuestLogLimiter(String source, int linesPerWindow, Duration window, LongSupplier nanoClock,
            Logger summaryLog) {
        this.source = Objects.requireNonNull(source, "source");
        if (linesPerWindow < 1) {
            throw new IllegalArgumentException("a guest log budget needs at least 1 line per window, not "
                    + linesPerWindow);
        }
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("a guest log window must be longer than 0, not " + window);
        }
        this.linesPerWindow = linesPerWindow;
        this.windowNanos = window.toNanos();
        this.windowText = window.toMillis() % 1000 == 0 ? window.toSeconds() + " s" : window.toMillis() + " ms";
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.summaryLog = Objects.requireNonNull(summaryLog, "summaryLog");
        this.windowStart = nanoClock.getAsLong();
    }

    /** {@value #DEFAULT_LINES} lines a minute on the system clock, summaries on this class's logger. */
    public static GuestLogLimiter perMinute(String source) {
        return new GuestLogLimiter(source, DEFAULT_LINES, DEFAULT_WINDOW, System::nanoTime,
                LoggerFactory.getLogger(GuestLogLimiter.class));
    }

    public void error(Logger log, String format, Object... arguments) {
        if (log.isErrorEnabled() && admit()) {
            log.error(format, arguments);
        }
    }

    public void warn(Logger log, String format, Object... arguments) {
        if (log.isWarnEnabled() && admit()) {
            log.warn(format, arguments);
        }
    }

    public void info(Logger log, String format, Object... arguments) {
        if (log.isInfoEnabled() && admit()) {
            log.info(format, arguments);
        }
    }

    public void debug(Logger log, String format, Object... arguments) {
        if (log.isDebugEnabled() && admit()) {
            log.debug(format, arguments);
        }
    }

    /**
     * Takes one line from the budget: true when the caller may log it. For a caller that builds an expensive line;
     * the level methods call it for the others.
     */
    public boolean admit() {
        long endedWindow;
        boolean overflowStarts;
        boolean admitted;
        synchronized (this) {
            long now = nanoClock.getAsLong();
            endedWindow = 0;
            if (now - windowStart >= windowNanos) {
                endedWindow = suppressedInWindow;
                windowStart = now;
                logged = 0;
                suppressedInWindow = 0;
            }
            admitted = logged < linesPerWindow;
            overflowStarts = !admitted && suppressedInWindow == 0;
            if (admitted) {
                logged++;
            } else {
                suppressedInWindow++;
                suppressedTotal++;
            }
        }
        if (endedWindow > 0) {
            summarise(endedWindow);
        }
        if (overflowStarts) {
            summaryLog.warn("{}: more than {} guest-caused log lines in {}; the rest of this window's are counted, "
                    + "not logged", source, linesPerWindow, windowText);
        }
        return admitted;
    }

    /** Logs how many lines the current window suppressed, if any; the machine calls it when it ends. */
    public void close() {
        long suppressed;
        synchronized (this) {
            suppressed = suppressedInWindow;
            suppressedInWindow = 0;
        }
        if (suppressed > 0) {
            summarise(suppressed);
        }
    }

    private void summarise(long suppressed) {
        summaryLog.warn("{}: {} guest-caused log line(s) suppressed (at most {} are logged in {})", source,
                suppressed, linesPerWindow, windowText);
    }

    /** Lines suppressed since this limiter was made. */
    public synchronized long suppressed() {
        return suppressedTotal;
    }

    public String source() {
        return source;
    }
}
