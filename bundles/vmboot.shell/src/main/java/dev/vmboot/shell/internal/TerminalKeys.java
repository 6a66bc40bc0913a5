package dev.vmboot.shell.internal;

import java.io.IOException;
import java.io.InputStream;

import org.jline.utils.NonBlockingInputStream;

/**
 * The keys typed on the interactive shell's terminal, a jline {@link NonBlockingInputStream}, which answers
 * {@code available()} with 0 whatever was typed: it is asked with a peek instead, which leaves the key in the
 * terminal's stream for whoever reads it next (after a detach, the shell). jline is there only in the interactive
 * shell (a one-shot bin/vmboot installs no terminal bundles): nothing here is used unless {@link #PRESENT}.
 */
final class TerminalKeys {
    /** Whether this bundle sees jline. */
    static final boolean PRESENT = jlinePresent();

    private TerminalKeys() {
    }

    private static boolean jlinePresent() {
        try {
            Class.forName("org.jline.utils.NonBlockingInputStream", false, TerminalKeys.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    static boolean isTerminal(InputStream in) {
        return in instanceof NonBlockingInputStream;
    }

    /** 1 when a key (or the end of input, which read then reports) comes within PEEK_MILLIS, else 0. */
    static int ready(InputStream in, long peekMillis) throws IOException {
        int next = ((NonBlockingInputStream) in).peek(peekMillis);
        return next == NonBlockingInputStream.READ_EXPIRED ? 0 : 1;
    }
}
