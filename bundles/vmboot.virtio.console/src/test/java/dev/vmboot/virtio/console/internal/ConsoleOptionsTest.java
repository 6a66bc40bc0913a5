package dev.vmboot.virtio.console.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class ConsoleOptionsTest {

    @Test
    void theSizeIsOptionalAndBothOrNeither() {
        assertEquals(Optional.empty(), ConsoleOptions.parse(Map.of()).size());
        assertEquals(Optional.of(new ConsoleOptions.Size(80, 24)),
                ConsoleOptions.parse(Map.of("cols", "80", "rows", "24")).size());
        assertEquals("console: cols and rows go together; accepted: cols=N and rows=N together (1..65535), the "
                + "terminal's size", assertThrows(IllegalArgumentException.class,
                        () -> ConsoleOptions.parse(Map.of("cols", "80"))).getMessage());
    }

    @Test
    void badValuesAndUnknownOptionsAreNamed() {
        assertEquals("console: unknown option 'port'; accepted: cols=N and rows=N together (1..65535), the "
                + "terminal's size", assertThrows(IllegalArgumentException.class,
                        () -> ConsoleOptions.parse(Map.of("port", "1"))).getMessage());
        for (String bad : new String[] { "0", "65536", "-1", "80x", "" }) {
            assertEquals("console: option 'rows' must be a number from 1 to 65535, not '" + bad + "'",
                    assertThrows(IllegalArgumentException.class,
                            () -> ConsoleOptions.parse(Map.of("cols", "80", "rows", bad))).getMessage());
        }
    }
}
