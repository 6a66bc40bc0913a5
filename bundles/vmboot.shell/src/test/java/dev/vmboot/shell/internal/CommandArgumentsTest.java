package dev.vmboot.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandArgumentsTest {
    private static CommandArguments parse(CommandSyntax syntax, String... args) {
        return syntax.parse(args);
    }

    @Test
    void optionsMayStandAnywhereBeforeTheDoubleDash() {
        CommandArguments a = parse(CommandSyntax.EXTRACT, "disk.img:/f", "--force", "out");
        assertTrue(a.flag("--force"));
        assertEquals(List.of("disk.img:/f", "out"), a.operands());
        CommandArguments s = parse(CommandSyntax.SCAN, "a.img", "--bench", "5", "b.img", "--json");
        assertEquals(Optional.of("5"), s.value("--bench"));
        assertTrue(s.flag("--json"));
        assertEquals(List.of("a.img", "b.img"), s.operands());
    }

    @Test
    void afterTheDoubleDashEverythingIsAnOperandAndADashAloneAlways() {
        CommandArguments a = parse(CommandSyntax.EXTRACT, "--", "-disk.img:/f", "--force");
        assertFalse(a.flag("--force"));
        assertEquals(List.of("-disk.img:/f", "--force"), a.operands());
        assertEquals(List.of("-", "x"), parse(CommandSyntax.EXTRACT, "-", "x").operands());
    }

    @Test
    void anOptionsShortAndLongNamesAreOneOption() {
        assertTrue(parse(CommandSyntax.EXTRACT, "-f", "a", "b").flag("--force"));
    }

    @Test
    void helpWinsOverEverythingBeforeIt() {
        CommandArguments.HelpRequested help = assertThrows(CommandArguments.HelpRequested.class,
                () -> parse(CommandSyntax.STOP, "x", "y", "-h"));
        assertEquals(CommandSyntax.STOP.usage(), help.usage());
    }

    /** gogo's interactive shell prints a failed command's exception by its toString: the sentence, no class name. */
    @Test
    void theInteractiveShellShowsTheSentenceAlone() {
        UsageException e = assertThrows(UsageException.class, () -> parse(CommandSyntax.LIST, "x"));
        assertEquals("list takes no arguments; it was given 'x'", e.toString());
    }

    /** gogo passes its {@code null} token as a null argument. */
    @Test
    void aNullArgumentIsAnEmptyOperand() {
        assertEquals(List.of("", "b"), parse(CommandSyntax.EXTRACT, null, "b").operands());
        assertEquals("scan: --bench needs a value, N, the number of warm scans to time, 1..10000",
                assertThrows(UsageException.class, () -> parse(CommandSyntax.SCAN, "--bench", null)).getMessage());
    }

    /** What gogo itself makes of unquoted words in the interactive shell reaches the commands as text. */
    @Test
    void gogoWordsReachTheCommandsAsText(@TempDir Path tmp) {
        OneShotShell shell = new OneShotShell(new VmbootCommands(new InMemoryDisk("disk.img"),
                new BlockDeviceOverlap(tmp)));
        assertEquals(new OneShotShell.Result(2, "", "vmboot: stop: 'true' is not a VM ID; vmboot:list shows the "
                + "IDs\n"), shell.run("vmboot:stop true"));
        assertEquals(new OneShotShell.Result(2, "", "vmboot: stop: '' is not a VM ID; vmboot:list shows the "
                + "IDs\n"), shell.run("vmboot:stop null"));
        assertEquals(new OneShotShell.Result(1, "", "vmboot: stop: there is no VM 12; vmboot:list shows the VMs "
                + "started from this shell\n"), shell.run("vmboot:stop 12"));
        assertEquals(new OneShotShell.Result(2, "", "vmboot: list takes no arguments; it was given ''\n"),
                shell.run("vmboot:list null"), "not gogo's 'argument type mismatch'");
        assertEquals(new OneShotShell.Result(2, "", "vmboot: help: there is no command ''; the commands are "
                + CommandHelp.names() + "\n"), shell.run("vmboot:help null"));
    }
}
