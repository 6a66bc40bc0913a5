package dev.vmboot.shell.internal;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What {@code vmboot:help} prints: every command with one line on what it does and the exit statuses, or one
 * command's usage, the same text as its {@code --help}.
 */
final class CommandHelp {
    /** A command as the overview lists it. */
    record Entry(String name, String synopsis, String summary, String usage) {
    }

    static final List<Entry> COMMANDS = List.of(
            new Entry("scan", "scan [--json] [--bench N] [DISK...]",
                    "partitions, filesystems and boot candidates of disks", CommandSyntax.SCAN.usage()),
            new Entry("ls", "ls LOCATION", "a directory inside a filesystem", CommandSyntax.LS.usage()),
            new Entry("cat", "cat LOCATION", "a file's bytes to standard output", CommandSyntax.CAT.usage()),
            new Entry("extract", "extract [--force] LOCATION FILE", "a file copied out to a host file",
                    CommandSyntax.EXTRACT.usage()),
            new Entry("boot", "boot [OPTIONS] IMAGE", "boot firmware or a kernel in a VM", BootArguments.USAGE),
            new Entry("list", "list", "the VMs started from this shell", CommandSyntax.LIST.usage()),
            new Entry("console", "console ID", "attach to a VM's serial console (Ctrl-] detaches)",
                    CommandSyntax.CONSOLE.usage()),
            new Entry("stop", "stop [--force] [--timeout S] ID", "power button, then stop after a timeout",
                    CommandSyntax.STOP.usage()),
            new Entry("counters", "counters [--all] ID", "a VM's device counters, as they are now",
                    CommandSyntax.COUNTERS.usage()),
            new Entry("devices", "devices", "the installed plug-ins", CommandSyntax.DEVICES.usage()),
            new Entry("autoboot", "autoboot", "the boot menu: scan, count down, boot the default",
                    AutobootCommand.SYNTAX.usage()),
            new Entry("config", "config [PID [KEY=VALUE...]]", "show or change the settings of a PID",
                    ConfigCommand.SYNTAX.usage()),
            new Entry("help", "help [COMMAND]", "this list, or one command's usage", CommandSyntax.HELP.usage()));

    /** The exit statuses, the same for every command. */
    static final String EXIT_STATUSES = "exit status: 0 done, 1 failed (one line on standard error says why), "
            + "2 bad arguments;\n  boot in the foreground: the VM's, 0 when it powered off or was stopped";

    private CommandHelp() {
    }

    static String overview() {
        return "vmboot commands (help COMMAND or COMMAND --help explains one):\n"
                + COMMANDS.stream().map(e -> String.format("  %-36s %s", e.synopsis(), e.summary()))
                        .collect(Collectors.joining("\n"))
                + "\nLOCATION: <disk>[:<partition>][:<path>], e.g. disk.img:2:/boot/vmlinuz\n" + EXIT_STATUSES
                + "\ngogo's own commands: felix:help";
    }

    /** The usage of COMMAND, with or without the {@code vmboot:} scope. */
    static Optional<String> usage(String command) {
        String name = command.startsWith("vmboot:") ? command.substring("vmboot:".length()) : command;
        return COMMANDS.stream().filter(e -> e.name().equals(name)).map(Entry::usage).findFirst();
    }

    static String names() {
        return COMMANDS.stream().map(Entry::name).collect(Collectors.joining(", "));
    }
}
