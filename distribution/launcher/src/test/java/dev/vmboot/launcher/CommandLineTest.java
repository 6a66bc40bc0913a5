package dev.vmboot.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class CommandLineTest {
    @Test
    void noArgumentsIsTheInteractiveShell() {
        assertEquals(new CommandLine(Optional.empty(), false), CommandLine.parse(List.of()));
    }

    @Test
    void shorthandBecomesAQuotedVmbootCommand() {
        assertEquals(Optional.of("vmboot:scan '--json' '/tmp/my disk.img'"),
                CommandLine.parse(List.of("scan", "--json", "/tmp/my disk.img")).script());
        assertEquals(Optional.of("felix:lb"), CommandLine.parse(List.of("felix:lb")).script());
    }

    @Test
    void autobootIsTheInteractiveShellWithTheBootMenu() {
        CommandLine autoboot = CommandLine.parse(List.of("--autoboot"));
        assertEquals(new CommandLine(Optional.empty(), false, true, false), autoboot);
        assertTrue(autoboot.autoboot());
        assertEquals(false, CommandLine.parse(List.of()).autoboot());
        assertEquals(new CommandLine(Optional.empty(), false, true, true),
                CommandLine.parse(List.of("--autoboot", "--verbose")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CommandLine.parse(List.of("--autoboot", "disk.img")));
        assertTrue(e.getMessage().contains("--autoboot takes only --verbose"), e.getMessage());
    }

    @Test
    void quotesAreEscaped() {
        assertEquals("'it'\\''s'", CommandLine.quote("it's"));
        assertEquals("'a\\b $x \"q\"'", CommandLine.quote("a\\b $x \"q\""));
    }

    @Test
    void dashCTakesOneScript() {
        assertEquals(Optional.of("vmboot:devices; felix:lb"),
                CommandLine.parse(List.of("-c", "vmboot:devices; felix:lb")).script());
        assertThrows(IllegalArgumentException.class, () -> CommandLine.parse(List.of("-c")));
        assertThrows(IllegalArgumentException.class, () -> CommandLine.parse(List.of("--frobnicate")));
    }

    @Test
    void help() {
        assertTrue(CommandLine.parse(List.of("--help")).help());
        assertTrue(CommandLine.usage().contains("vmboot COMMAND"));
    }
}
