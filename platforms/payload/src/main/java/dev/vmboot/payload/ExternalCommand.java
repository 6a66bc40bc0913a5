package dev.vmboot.payload;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a program of the build machine (jlink, java) to its end within a time limit and returns its output. */
final class ExternalCommand {
    /** Kept of a command's output (stdout and stderr together): enough for any error message of the JDK's tools. */
    private static final int OUTPUT_LIMIT = 64 * 1024;

    private ExternalCommand() {
    }

    /** COMMAND's output; fails with one sentence when it cannot start, exceeds TIMEOUT or exits with a status. */
    static String run(List<String> command, Duration timeout) throws IOException {
        return run(command, Map.of(), timeout);
    }

    /**
     * COMMAND's output, run with ENVIRONMENT's variables set over the builder's own; its standard input is at end of
     * file. Fails as {@link #run(List, Duration)}.
     */
    static String run(List<String> command, Map<String, String> environment, Duration timeout) throws IOException {
        Process p;
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            pb.environment().putAll(environment);
            p = pb.start();
        } catch (IOException e) {
            throw new IOException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
        }
        p.getOutputStream().close();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> drain(p.getInputStream(), out), "output of " + command.get(0));
        reader.setDaemon(true);
        reader.start();
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IOException(command.get(0) + " did not end within " + timeout.toSeconds() + " s");
            }
            reader.join(timeout.toMillis());
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + command.get(0), e);
        }
        String text;
        synchronized (out) {
            text = out.toString(StandardCharsets.UTF_8);
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed (" + p.exitValue() + "): " + text.strip());
        }
        return text;
    }

    /** Reads IN to its end, keeping the first OUTPUT_LIMIT bytes (the rest is read and dropped). */
    private static void drain(InputStream in, ByteArrayOutputStream out) {
        byte[] buf = new byte[8192];
        try (in) {
            for (int n; (n = in.read(buf)) >= 0; ) {
                synchronized (out) {
                    out.write(buf, 0, Math.max(0, Math.min(n, OUTPUT_LIMIT - out.size())));
                }
            }
        } catch (IOException e) {
            // the process ended or was killed: what was read is kept
        }
    }
}
