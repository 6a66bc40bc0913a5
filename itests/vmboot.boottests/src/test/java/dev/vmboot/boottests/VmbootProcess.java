package dev.vmboot.boottests;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code bin/vmboot boot ...} running as a child process: its standard output is the guest's serial console, its
 * standard input is typed into the guest's UART. Output is decoded as ISO-8859-1 (one char per byte), so firmware
 * escape sequences and stray bytes pass through unchanged. Closing kills the process tree and keeps the transcript
 * (stdout and stderr) in the transcript directory.
 */
final class VmbootProcess implements AutoCloseable {

    private static final int TAIL_CHARS = 3000;

    private final Process process;
    private final Path transcript;
    private final Path errors;
    private final StringBuilder output = new StringBuilder();
    private final Thread reader;
    private boolean outputEnded;

    private VmbootProcess(Process process, Path transcript, Path errors) {
        this.process = process;
        this.transcript = transcript;
        this.errors = errors;
        this.reader = new Thread(this::pump, "vmboot-console-" + transcript.getFileName());
        this.reader.setDaemon(true);
        this.reader.start();
    }

    /** Starts {@code bin/vmboot boot ARGS...}; NAME names the transcript files. */
    static VmbootProcess boot(BootTestEnvironment env, String name, List<String> args) throws IOException {
        List<String> bootArgs = new ArrayList<>();
        bootArgs.add("boot");
        bootArgs.addAll(args);
        return start(env.launcher(), env.transcriptDir(), name, bootArgs);
    }

    /** Starts {@code LAUNCHER ARGS...} (no arguments: the interactive shell, its input being this process's). */
    static VmbootProcess start(Path launcher, Path transcriptDir, String name, List<String> args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(launcher.toString());
        command.addAll(args);
        return run(command, transcriptDir, name);
    }

    /** Starts COMMAND (a VMM whose standard output is the guest's console), keeping its transcript as NAME. */
    static VmbootProcess run(List<String> command, Path transcriptDir, String name) throws IOException {
        Files.createDirectories(transcriptDir);
        Path transcript = transcriptDir.resolve(name + ".console.txt");
        Path errors = transcriptDir.resolve(name + ".stderr.txt");
        Files.writeString(transcript, "");
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(errors.toFile());
        pb.environment().putIfAbsent("VMBOOT_LOG_LEVEL", "info");
        return new VmbootProcess(pb.start(), transcript, errors);
    }

    private void pump() {
        byte[] buf = new byte[8192];
        try (InputStream in = process.getInputStream()) {
            int n;
            while ((n = in.read(buf)) > 0) {
                synchronized (this) {
                    output.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                    notifyAll();
                }
            }
        } catch (IOException e) {
            // The stream closed under us (close() killed the process): the output ends here.
        } finally {
            synchronized (this) {
                outputEnded = true;
                notifyAll();
            }
        }
    }

    /**
     * Waits until TEXT appears on the console. Fails (with the console's tail and stderr) when the output ends
     * without it or the timeout passes.
     */
    void awaitOutput(String text, Duration timeout) throws InterruptedException {
        awaitOutput(text, 0, timeout);
    }

    /**
     * Waits until TEXT appears on the console at or after character FROM (e.g. the length of the output before
     * something was typed), and returns where it starts.
     */
    int awaitOutput(String text, int from, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            int at;
            while ((at = output.indexOf(text, from)) < 0) {
                if (outputEnded) {
                    throw new AssertionError("vmboot's output ended without \"" + text + "\"" + diagnostics());
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no \"" + text + "\" on the console within " + timeout + diagnostics());
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return at;
        }
    }

    /** The process id of vmboot's JVM (bin/vmboot execs java, so it is the launcher's). */
    long pid() {
        return process.pid();
    }

    /** Types TEXT into the guest's UART, or the shell (the process's standard input). */
    void type(String text) throws IOException {
        OutputStream in = process.getOutputStream();
        in.write(text.getBytes(StandardCharsets.ISO_8859_1));
        in.flush();
    }

    /** Waits for the process to end and for its output to be read to the end; returns its exit status. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
            throw new AssertionError("vmboot did not exit within " + timeout + diagnostics());
        }
        reader.join(TimeUnit.SECONDS.toMillis(30));
        return process.exitValue();
    }

    /** vmboot's standard error so far (its log). */
    String errors() throws IOException {
        return Files.readString(errors, StandardCharsets.ISO_8859_1);
    }

    synchronized String output() {
        return output.toString();
    }

    /** The console's last characters and vmboot's stderr, for failure messages. */
    String diagnostics() {
        String out = output();
        String tail = out.length() > TAIL_CHARS ? "..." + out.substring(out.length() - TAIL_CHARS) : out;
        String err;
        try {
            err = Files.readString(errors, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            err = "(cannot read " + errors + ": " + e.getMessage() + ")";
        }
        if (err.length() > TAIL_CHARS) {
            err = "..." + err.substring(err.length() - TAIL_CHARS);
        }
        return "\n--- console (" + transcript + ") ---\n" + visible(tail) + "\n--- stderr (" + errors + ") ---\n"
                + err;
    }

    private static String visible(String s) {
        return s.replace("\u001b", "^[").replace("\r", "");
    }

    @Override
    public void close() throws IOException, InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
        reader.join(TimeUnit.SECONDS.toMillis(10));
        Files.writeString(transcript, output(), StandardCharsets.ISO_8859_1);
    }
}
