package dev.vmboot.shell.internal;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import dev.vmboot.shell.internal.CommandArguments.Option;

/**
 * What each {@code vmboot:*} command but {@code boot} ({@link BootArguments}) accepts: its options, how many operands
 * and what they are, and its usage for {@code --help}.
 *
 * @param command     the command's name
 * @param options     its options
 * @param minOperands operands it needs at least
 * @param maxOperands operands it takes at most
 * @param operands    what its operands are, as an error message says it ("one LOCATION, ...")
 * @param usage       its {@code --help} text
 */
record CommandSyntax(String command, List<Option> options, int minOperands, int maxOperands, String operands,
        String usage) {

    private static final String LOCATION = "<disk>[:<partition>][:<path>]";

    static final CommandSyntax SCAN = new CommandSyntax("scan",
            List.of(Option.flag("--json"), Option.valued("N, the number of warm scans to time, 1.."
                    + ScanBenchmark.MAX_RUNS, "--bench")),
            0, Integer.MAX_VALUE, "DISKs (image files or block devices), or none for every block device",
            String.join("\n",
                    "usage: scan [--json] [--bench N] [--] [DISK...]",
                    "  DISK        an image file or block device; none: every block device",
                    "  --json      JSON instead of a table",
                    "  --bench N   time N warm scans (1-" + ScanBenchmark.MAX_RUNS + ") instead of printing the report",
                    "  --          what follows is a DISK even if it starts with -"));

    static final CommandSyntax LS = new CommandSyntax("ls", List.of(), 1, 1,
            "one LOCATION, " + LOCATION + " such as disk.img:2:/boot",
            String.join("\n",
                    "usage: ls LOCATION",
                    "  LOCATION    " + LOCATION + ", e.g. disk.img:2:/boot: a directory's entries or a file's"));

    static final CommandSyntax CAT = new CommandSyntax("cat", List.of(), 1, 1,
            "one LOCATION of a file, " + LOCATION + " such as disk.img:1:/EFI/BOOT/BOOTX64.EFI",
            String.join("\n",
                    "usage: cat LOCATION",
                    "  LOCATION    " + LOCATION + " of a file, e.g. disk.img:1:/EFI/BOOT/BOOTX64.EFI: its bytes to"
                            + " standard output"));

    static final CommandSyntax EXTRACT = new CommandSyntax("extract", List.of(Option.flag("-f", "--force")), 2, 2,
            "a LOCATION of a file, " + LOCATION + ", and the host FILE to write",
            String.join("\n",
                    "usage: extract [--force] LOCATION FILE",
                    "  LOCATION    " + LOCATION + " of a file, e.g. disk.img:2:/firmware/OVMF.fd",
                    "  FILE        the host file to write: replaced only once the whole copy is on disk; a pipe,",
                    "              character device or /dev/stdout is written in place; never the disk read",
                    "  -f, --force FILE may be a block device: overwritten from its first byte"));

    static final CommandSyntax LIST = new CommandSyntax("list", List.of(), 0, 0, "no arguments",
            String.join("\n",
                    "usage: list",
                    "  the virtual machines started from this shell: ID, IMAGE booted, PROTOCOL, MEMORY, CPUS,",
                    "  UPTIME and STATE (running, or how it ended; a VM that ended stays listed until stop ID)"));

    static final CommandSyntax CONSOLE = new CommandSyntax("console", List.of(), 1, 1,
            "one VM ID, as vmboot:list shows it",
            String.join("\n",
                    "usage: console ID",
                    "  ID          a virtual machine's number, as vmboot:list shows it",
                    "  attaches this terminal to the VM's serial console: its last "
                            + ConsoleRelay.BACKLOG_BYTES / 1024 + " KiB of output first, then",
                    "  what it writes; keys go to the guest. Ctrl-] detaches (in the interactive shell), the VM",
                    "  runs on. One console at a time per VM."));

    static final CommandSyntax STOP = new CommandSyntax("stop",
            List.of(Option.flag("-f", "--force"), Option.valued("SECONDS, how long the guest may take to power off "
                    + "after the power button, 1-" + StopTimeout.MAX_SECONDS, "-t", "--timeout")),
            1, 1, "one VM ID, as vmboot:list shows it",
            String.join("\n",
                    "usage: stop [--force] [--timeout SECONDS] ID",
                    "  ID             a virtual machine's number, as vmboot:list shows it",
                    "                 presses the VM's ACPI power button and waits for the guest to power off;",
                    "                 stops it after the timeout",
                    "  -f, --force    stop it at once, without asking the guest",
                    "  -t, --timeout SECONDS",
                    "                 how long to wait for the guest, 1-" + StopTimeout.MAX_SECONDS + " (default "
                            + StopTimeout.DEFAULT_SECONDS + ")"));

    static final CommandSyntax COUNTERS = new CommandSyntax("counters", List.of(Option.flag("-a", "--all")), 1, 1,
            "one VM ID, as vmboot:list shows it",
            String.join("\n",
                    "usage: counters [--all] ID",
                    "  ID          a virtual machine's number, as vmboot:list shows it",
                    "              each of its devices and the counters it keeps, as they are now: requests served,",
                    "              what a driver had refused, frames dropped and why; the ones at 0 are left out",
                    "  -a, --all   the ones at 0 too"));

    static final CommandSyntax HELP = new CommandSyntax("help", List.of(), 0, 1, "at most one COMMAND",
            String.join("\n",
                    "usage: help [COMMAND]",
                    "  without COMMAND the commands and exit statuses; with one its usage and options",
                    "  (the same as COMMAND --help)"));

    static final CommandSyntax DEVICES = new CommandSyntax("devices", List.of(), 0, 0, "no arguments",
            "usage: devices\n  the installed plug-ins: filesystem readers, boot protocols, virtio devices, hypervisors");

    CommandSyntax {
        options = List.copyOf(options);
    }

    /** Parses ARGS (see {@link CommandArguments#parse}). */
    CommandArguments parse(String[] args) {
        return CommandArguments.parse(this, args == null ? new String[0] : args);
    }

    Optional<Option> option(String name) {
        return options.stream().filter(o -> o.names().contains(name)).findFirst();
    }

    /** The options, as an error message lists them. */
    String optionList() {
        return options.isEmpty() ? "no options"
                : options.stream().map(Option::toString).collect(Collectors.joining(", "));
    }
}
