package dev.vmboot.shell.internal;

import org.jline.terminal.Attributes;
import org.jline.terminal.Terminal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The interactive shell's terminal in raw mode while a VM's console is attached to it: each key goes to the guest as
 * it is typed (the guest echoes it), and a look at the keys returns within jline's 0.1 s read timeout. In the mode a
 * command runs in (canonical, from the shell's line reader) the terminal's input is a line at a time: the console
 * pump's look would block in the read, holding the jline stream's lock, until Enter, and take the next key typed after
 * the VM ended from whoever reads next (the boot menu). Ctrl-C still interrupts the command (ISIG stays on). Used
 * only when jline is there ({@link TerminalKeys#PRESENT}): the session of gogo's jline shell holds its terminal as
 * {@value TerminalKeyboard#TERMINAL_VARIABLE}.
 */
final class RawTerminalMode {
    private static final Logger LOG = LoggerFactory.getLogger(RawTerminalMode.class);

    private RawTerminalMode() {
    }

    /** Puts TERMINAL (a session's {@value TerminalKeyboard#TERMINAL_VARIABLE}) in raw mode; what gives its mode back. */
    static Runnable enter(Object terminal) {
        if (terminal == null || !TerminalKeys.PRESENT) {
            return () -> { };
        }
        try {
            return Jline.enter(terminal);
        } catch (NoClassDefFoundError | RuntimeException e) {
            LOG.debug("the terminal cannot be put into raw mode: {}", e.toString());
            return () -> { };
        }
    }

    /** The jline calls, in a class of their own: loaded only where jline is wired to this bundle. */
    private static final class Jline {
        static Runnable enter(Object terminal) {
            if (!(terminal instanceof Terminal t)) {
                return () -> { };
            }
            Attributes saved = t.enterRawMode();
            return () -> {
                try {
                    t.setAttributes(saved);
                } catch (RuntimeException e) {
                    LOG.debug("the terminal's mode could not be given back: {}", e.toString());
                }
            };
        }
    }
}
