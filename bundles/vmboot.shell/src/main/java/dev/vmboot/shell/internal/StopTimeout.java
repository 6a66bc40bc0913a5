package dev.vmboot.shell.internal;

import java.time.Duration;

/** How long {@code vmboot:stop} waits for a guest to power off after the power button, as {@code --timeout} gives it. */
final class StopTimeout {
    /**
     * 30 s: a Linux guest whose init handles the power button powers off within seconds on metal; nested under TCG
     * (the lab) it may take ten times as long, and --timeout says so.
     */
    static final int DEFAULT_SECONDS = 30;
    /** An hour: longer is a VM to stop with --force. */
    static final int MAX_SECONDS = 3600;

    private StopTimeout() {
    }

    /**
     * Parses {@code --timeout}'s value.
     *
     * @throws UsageException naming the option and what it accepts
     */
    static Duration parse(String seconds) {
        if (!seconds.matches("[0-9]{1,4}") || Integer.parseInt(seconds) < 1
                || Integer.parseInt(seconds) > MAX_SECONDS) {
            throw new UsageException("stop: --timeout " + CommandArguments.shown(seconds)
                    + " is not a number of seconds from 1 to " + MAX_SECONDS);
        }
        return Duration.ofSeconds(Integer.parseInt(seconds));
    }
}
