package dev.vmboot.boottests;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * One command run to its end with nothing on its standard input (/dev/null): its exit status, standard output and
 * standard error (kept in files under a test's directory while it runs). A run that outlives its time is killed and
 * fails the test.
 */
record CommandRun(int status, String out, String err) {
    static CommandRun of(ProcessBuilder command, Path dir, long timeoutSeconds)
            throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process p = command.redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command.command()) + " did not end within " + timeoutSeconds
                    + " s");
        }
        return new CommandRun(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    /** For a failure message: the status, the end of standard output, standard error. */
    String describe() {
        return "status " + status + "\nstdout (end): " + out.substring(Math.max(0, out.length() - 2000))
                + "\nstderr: " + err;
    }
}
