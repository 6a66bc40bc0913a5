package dev.vmboot.shell.internal;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Process;

/**
 * The gogo session running the current command. The vmboot commands take their arguments alone and find their session
 * here: gogo's injection of a {@link CommandSession} parameter fails with "argument type mismatch" when an argument is
 * gogo's {@code null} word.
 */
final class GogoSession {
    private GogoSession() {
    }

    /**
     * The session of the gogo process running on this thread.
     *
     * @throws IllegalStateException when no gogo command runs on this thread
     */
    static CommandSession current() {
        Process process = Process.Utils.current();
        if (process == null) {
            throw new IllegalStateException("the vmboot commands run in a gogo session");
        }
        return process.job().session();
    }
}
