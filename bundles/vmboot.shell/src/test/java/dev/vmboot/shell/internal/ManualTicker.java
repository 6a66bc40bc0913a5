package dev.vmboot.shell.internal;

/** A ticker whose time moves only when the code under test sleeps on it. */
final class ManualTicker implements Ticker {
    private long nanos;

    @Override
    public long nanoTime() {
        return nanos;
    }

    @Override
    public void sleep(long millis) {
        nanos += millis * 1_000_000L;
    }

    long elapsedMillis() {
        return nanos / 1_000_000L;
    }
}
