package dev.vmboot.testkit;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Counts the log records that the tests' SLF4J back-end (slf4j-simple) prints while the capture is open, so that a
 * test can assert that what a guest or a disk does produces a bounded number of log lines. slf4j-simple looks
 * System.err up at every record (its default output, "System.err", is not cached), so replacing System.err catches
 * every record, from any thread. Only records at or above the configured level (info unless a test configures
 * otherwise) are printed, and so counted: what an operator sees on the console by default.
 * <p>
 * {@link #all()} takes every line printed, stack traces included; {@link #start(String)} takes the records of loggers
 * under a name prefix and passes everything else on to the real System.err unchanged. What is taken is swallowed (a
 * fuzzer running many inputs a second would otherwise flood the build log); the first {@value #MAX_KEPT} lines are
 * kept for assertions and failure messages, the rest only counted. Not for parallel tests: System.err is global.
 */
public final class LogLineCapture implements AutoCloseable {
    /**
     * The most log lines a test lets one guest (one machine, one device) cause, however long it hammers a register:
     * issue 11, item 7 asks for "at most a few hundred lines per VM per minute", through the one guest-log rate
     * limiter the VMM is getting; the device fuzz targets run each input well within a minute.
     */
    public static final int GUEST_LOG_BUDGET = 300;
    /** How many records {@link #firstRecords()} gives, for a failure message. */
    public static final int KEPT = 8;
    /** How many lines taken are kept as text: more than any flood test lets through once its bound holds. */
    public static final int MAX_KEPT = 100_000;
    /** A line longer than this is cut (a record's head is all that is matched). */
    private static final int MAX_LINE = 4096;
    /** slf4j-simple's default layout: "[thread] LEVEL logger - message". */
    private static final Pattern RECORD = Pattern.compile("^\\[.*?\\] (ERROR|WARN|INFO|DEBUG|TRACE) (\\S+) - ");

    /** The logger name prefix whose records are taken, or null for every line. */
    private final String prefix;
    private final PrintStream original;
    private final List<String> lines = new ArrayList<>();
    private final List<String> records = new ArrayList<>();
    private int count;
    private boolean closed;

    private LogLineCapture(String prefix) {
        this.prefix = prefix;
        this.original = System.err;
        System.setErr(new PrintStream(new LineSplitter(), true, StandardCharsets.UTF_8));
    }

    /** Starts counting the records of loggers whose name starts with {@code loggerPrefix}. */
    public static LogLineCapture start(String loggerPrefix) {
        return new LogLineCapture(Objects.requireNonNull(loggerPrefix, "loggerPrefix"));
    }

    /** Starts taking every line printed to System.err: the records of every logger and the stack traces. */
    public static LogLineCapture all() {
        return new LogLineCapture(null);
    }

    /** Records counted so far. */
    public synchronized int count() {
        return count;
    }

    /** The first {@value #KEPT} records counted, for a failure message. */
    public synchronized List<String> firstRecords() {
        return List.copyOf(records.subList(0, Math.min(KEPT, records.size())));
    }

    /** The records counted so far (the first {@value #MAX_KEPT}), each "[thread] LEVEL logger - message". */
    public synchronized List<String> records() {
        return List.copyOf(records);
    }

    /** The lines taken so far (the first {@value #MAX_KEPT}): with {@link #all()}, a stack trace's lines too. */
    public synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    /** Puts the real System.err back. */
    @Override
    public void close() {
        // not under this capture's lock: a logging thread holds the stream's lock and then wants this one
        System.err.flush();
        synchronized (this) {
            if (!closed) {
                closed = true;
                System.setErr(original);
            }
        }
    }

    private synchronized void line(String line) {
        Matcher m = RECORD.matcher(line);
        boolean record = m.find() && (prefix == null || m.group(2).startsWith(prefix));
        if (record) {
            count++;
            keep(records, line);
        }
        if (record || prefix == null) {
            keep(lines, line);
        } else {
            original.println(line);
        }
    }

    private static void keep(List<String> kept, String line) {
        if (kept.size() < MAX_KEPT) {
            kept.add(line);
        }
    }

    /** Cuts what is printed into lines; a line is complete at its newline. */
    private final class LineSplitter extends OutputStream {
        private final ByteArrayOutputStream current = new ByteArrayOutputStream();

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                String line = current.toString(StandardCharsets.UTF_8);
                current.reset();
                line(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
            } else if (current.size() < MAX_LINE) {
                current.write(b);
            }
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            for (int i = 0; i < len; i++) {
                write(b[off + i]);
            }
        }
    }
}
