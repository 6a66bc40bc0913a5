package dev.vmboot.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.util.Optional;

import org.jline.terminal.Attributes;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.junit.jupiter.api.Test;

/** The shell's terminal as the menu's keyboard: raw while it reads, as it was afterwards; a key without Enter. */
class TerminalKeyboardTest {
    @Test
    void keysCountWithoutEnterInRawModeAndTheModesComeBackOnClose() throws Exception {
        PipedOutputStream typing = new PipedOutputStream();
        try (Terminal terminal = TerminalBuilder.builder().system(false).type("vt100")
                .streams(new PipedInputStream(typing), new ByteArrayOutputStream()).build()) {
            Attributes before = new Attributes(terminal.getAttributes());
            assertTrue(before.getLocalFlag(Attributes.LocalFlag.ICANON));

            Optional<Keyboard> opened = TerminalKeyboard.of(terminal);
            assertTrue(opened.isPresent());
            try (Keyboard keys = opened.get()) {
                assertFalse(terminal.getAttributes().getLocalFlag(Attributes.LocalFlag.ICANON), "raw: no lines");
                assertFalse(terminal.getAttributes().getLocalFlag(Attributes.LocalFlag.ECHO), "the menu echoes");
                assertEquals(Keyboard.TIMEOUT, keys.read(50));
                typing.write('2');
                typing.flush();
                assertEquals('2', keys.read(10_000));
            }
            assertTrue(terminal.getAttributes().getLocalFlag(Attributes.LocalFlag.ICANON));
            assertTrue(terminal.getAttributes().getLocalFlag(Attributes.LocalFlag.ECHO));
        }
    }

    @Test
    void anythingButAJlineTerminalIsNoTerminalKeyboard() {
        assertEquals(Optional.empty(), TerminalKeyboard.of("not a terminal"));
        assertEquals(Optional.empty(), TerminalKeyboard.of(null));
    }
}
