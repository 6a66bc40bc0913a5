package dev.vmboot.shell.internal;

import java.io.IOException;
import java.util.Optional;

import org.jline.terminal.Attributes;
import org.jline.terminal.Terminal;
import org.jline.utils.NonBlockingReader;

/**
 * Keys from the interactive shell's terminal, in raw mode for as long as the menu reads them: a key counts when it is
 * pressed, not when Enter follows it. Closing gives the terminal its modes back. Only used when the gogo jline shell
 * (and with it jline) is there: its session holds the terminal as {@value #TERMINAL_VARIABLE}.
 */
final class TerminalKeyboard implements Keyboard {
    /** The session variable of gogo jline's Shell that holds its terminal. */
    static final String TERMINAL_VARIABLE = ".terminal";

    private final Terminal terminal;
    private final Attributes saved;
    private final NonBlockingReader reader;

    private TerminalKeyboard(Terminal terminal) {
        this.terminal = terminal;
        this.saved = terminal.enterRawMode();
        this.reader = terminal.reader();
    }

    /** A keyboard over TERMINAL if it is a jline terminal (and jline is wired to this bundle). */
    static Optional<Keyboard> of(Object terminal) {
        try {
            return terminal instanceof Terminal t ? Optional.of(new TerminalKeyboard(t)) : Optional.empty();
        } catch (NoClassDefFoundError e) {
            return Optional.empty(); // no jline in this framework: a one-shot run or a test
        }
    }

    @Override
    public int read(long millis) throws IOException {
        int c = reader.read(millis);
        return c == NonBlockingReader.READ_EXPIRED ? TIMEOUT : c < 0 ? END : c;
    }

    @Override
    public int read() throws IOException {
        int c = reader.read();
        return c < 0 ? END : c;
    }

    @Override
    public void close() {
        terminal.setAttributes(saved);
    }
}
