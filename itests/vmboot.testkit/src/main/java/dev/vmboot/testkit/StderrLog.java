package dev.vmboot.testkit;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What the test logging back-end (slf4j-simple, which writes to {@code System.err} as it is at each line) logs while
 * this is open: for tests that count the log lines a guest can cause. Close it to restore {@code System.err}.
 */
public final class StderrLog implements AutoCloseable {
    private final PrintStream original = System.err;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    private StderrLog() {
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    }

    /** Starts capturing. */
    public static StderrLog capture() {
        return new StderrLog();
    }

    /** The lines written so far, a stack trace's included. */
    public synchronized List<String> lines() {
        String text = captured.toString(StandardCharsets.UTF_8);
        return text.isEmpty() ? List.of() : List.of(text.split("\n"));
    }

    /** The messages logged so far: slf4j-simple starts each with "[thread]"; a stack trace's lines are not counted. */
    public List<String> messages() {
        return lines().stream().filter(l -> l.startsWith("[")).toList();
    }

    @Override
    public void close() {
        System.err.flush();
        System.setErr(original);
    }
}
