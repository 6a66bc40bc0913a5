package dev.vmboot.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vmboot:help}: the commands and exit statuses, or one command's usage, the same as its --help. */
class HelpCommandTest {
    @TempDir
    Path tmp;

    /** Every command help lists; autoboot's and config's services are not needed for their usage. */
    private OneShotShell shell() {
        return new OneShotShell(new VmbootCommands(new InMemoryDisk("disk.img"), new BlockDeviceOverlap(tmp)),
                new AutobootCommand(), new ConfigCommand(null));
    }

    @Test
    void helpListsEveryCommandAndTheExitStatuses() {
        OneShotShell.Result r = shell().command("vmboot:help");
        assertEquals(0, r.status(), r.toString());
        for (CommandHelp.Entry e : CommandHelp.COMMANDS) {
            assertTrue(r.out().contains("\n  " + e.synopsis() + " "), e.name() + " in " + r.out());
        }
        assertTrue(r.out().contains("exit status: 0 done, 1 failed"), r.out());
    }

    @Test
    void helpOfACommandIsItsUsageAsItsHelpOptionPrintsIt() {
        OneShotShell shell = shell();
        for (CommandHelp.Entry e : CommandHelp.COMMANDS) {
            OneShotShell.Result help = shell.command("vmboot:help", e.name());
            assertEquals(0, help.status(), help.toString());
            assertTrue(help.out().startsWith("usage: " + e.name()), help.out());
            assertEquals(help, shell.command("vmboot:" + e.name(), "--help"), e.name());
            assertEquals(help, shell.command("vmboot:" + e.name(), "-h"), e.name());
            assertEquals(help, shell.command("vmboot:help", "vmboot:" + e.name()), e.name());
        }
    }

    @Test
    void helpOfNoSuchCommandSaysWhichThereAre() {
        assertEquals(new OneShotShell.Result(2, "", "vmboot: help: there is no command 'format'; the commands are "
                + CommandHelp.names() + "\n"), shell().command("vmboot:help", "format"));
        assertEquals(2, shell().command("vmboot:help", "scan", "ls").status());
    }

    @Test
    void anUnknownCommandIsABadArgumentThatSaysWhichThereAre() {
        assertEquals(new OneShotShell.Result(2, "", "vmboot: there is no command 'format'; the commands are "
                + CommandHelp.names() + "\n"), shell().run("vmboot:format disk.img"));
    }
}
