package dev.vmboot.shell.internal;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.apache.felix.gogo.runtime.CommandProcessorImpl;

/**
 * gogo's own command processor with the {@code vmboot:*} commands registered, running a script the way
 * {@code bin/vmboot COMMAND} does ({@link ScriptRunner#execute}): what the operator sees on standard output and
 * standard error, and the exit status.
 */
final class OneShotShell {
    /** What one script left: its exit status, standard output and standard error. */
    record Result(int status, String out, String err) {
        @Override
        public String toString() {
            return "status " + status + ", out [" + out + "], err [" + err + "]";
        }
    }

    private final CommandProcessorImpl processor = new CommandProcessorImpl();

    OneShotShell(VmbootCommands commands) {
        processor.addCommand("vmboot", commands);
    }

    /** Also {@code vmboot:autoboot} and {@code vmboot:config}, as their components register them. */
    OneShotShell(VmbootCommands commands, AutobootCommand autoboot, ConfigCommand config) {
        this(commands);
        processor.addCommand("vmboot", autoboot, "autoboot");
        processor.addCommand("vmboot", config, "config");
    }

    /** Runs {@code COMMAND ARGS...}, each argument quoted as {@code bin/vmboot} quotes it. */
    Result command(String command, String... args) {
        StringBuilder script = new StringBuilder(command);
        for (String a : args) {
            script.append(" '").append(a.replace("'", "'\\''")).append('\'');
        }
        return run(script.toString());
    }

    Result run(String script) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            status = ScriptRunner.execute(processor, script, InputStream.nullInputStream(), o, e);
        }
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
