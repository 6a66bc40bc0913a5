package dev.vmboot.shell.internal;

import java.io.IOException;
import java.io.InputStream;

/**
 * Keys from a plain input stream (a pipe, a serial line without a terminal driver, a test's bytes): a timed read
 * polls {@link InputStream#available()} every {@value #POLL_MILLIS} ms of the ticker, so that no thread is left
 * reading the stream once the menu is done with it.
 */
final class StreamKeyboard implements Keyboard {
    static final long POLL_MILLIS = 50;

    private final InputStream in;
    private final Ticker ticker;

    StreamKeyboard(InputStream in, Ticker ticker) {
        this.in = in;
        this.ticker = ticker;
    }

    @Override
    public int read(long millis) throws IOException, InterruptedException {
        long end = ticker.nanoTime() + millis * 1_000_000L;
        while (in.available() <= 0) {
            long left = end - ticker.nanoTime();
            if (left <= 0) {
                return TIMEOUT;
            }
            ticker.sleep(Math.min(POLL_MILLIS, (left + 999_999) / 1_000_000));
        }
        return in.read();
    }

    @Override
    public int read() throws IOException {
        return in.read();
    }

    @Override
    public void close() {
        // the stream belongs to the session
    }
}
