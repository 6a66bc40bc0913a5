package dev.vmboot.launcher;

import java.util.List;
import java.util.Optional;

/**
 * What {@code bin/vmboot} was asked to do: nothing (the interactive shell), {@code --autoboot} (the interactive shell,
 * which shows the boot menu first), {@code -c SCRIPT} (a gogo script), or {@code COMMAND ARGS...} (shorthand for
 * {@code vmboot:COMMAND 'ARGS'...}).
 *
 * @param script   the gogo script to run once, empty for the interactive shell
 * @param help     true for {@code -h}/{@code --help}
 * @param autoboot true for {@code --autoboot}: the interactive shell shows the boot menu before its prompt
 * @param verbose  true for {@code --autoboot --verbose}: debug logging, a failure's stack trace among it
 */
record CommandLine(Optional<String> script, boolean help, boolean autoboot, boolean verbose) {

    /** Without the boot menu. */
    CommandLine(Optional<String> script, boolean help) {
        this(script, help, false, false);
    }

    static CommandLine parse(List<String> args) {
        if (args.isEmpty()) {
            return new CommandLine(Optional.empty(), false);
        }
        String first = args.get(0);
        if (first.equals("-h") || first.equals("--help")) {
            return new CommandLine(Optional.empty(), true);
        }
        if (first.equals("--autoboot")) {
            boolean verbose = args.size() == 2 && args.get(1).equals("--verbose");
            if (args.size() != 1 && !verbose) {
                throw new IllegalArgumentException("--autoboot takes only --verbose (its settings are in "
                        + "etc/dev.vmboot.boot.cfg)");
            }
            return new CommandLine(Optional.empty(), false, true, verbose);
        }
        if (first.equals("-c")) {
            if (args.size() != 2) {
                throw new IllegalArgumentException("-c takes exactly one script argument, e.g. -c 'vmboot:scan disk.img'");
            }
            return new CommandLine(Optional.of(args.get(1)), false);
        }
        if (first.startsWith("-")) {
            throw new IllegalArgumentException("unknown option " + first + " (try --help)");
        }
        StringBuilder script = new StringBuilder(first.contains(":") ? first : "vmboot:" + first);
        for (String arg : args.subList(1, args.size())) {
            script.append(' ').append(quote(arg));
        }
        return new CommandLine(Optional.of(script.toString()), false);
    }

    /**
     * Quotes an argument so gogo takes it literally: inside single quotes nothing is special; a single quote itself
     * closes the quote, is escaped and reopens it, as in sh ({@code it's} becomes {@code 'it'\''s'}).
     */
    static String quote(String arg) {
        return "'" + arg.replace("'", "'\\''") + "'";
    }

    static String usage() {
        return String.join("\n",
                "usage: vmboot                      interactive shell (type 'help' for commands)",
                "       vmboot --autoboot [--verbose]",
                "                                   the boot menu (scan, countdown, boot), then the shell;",
                "                                   --verbose: debug logs, failures with their stack trace",
                "       vmboot COMMAND [ARGS...]    run vmboot:COMMAND once and exit with its status",
                "       vmboot -c 'SCRIPT'          run a gogo script once",
                "",
                "commands: scan [--json] [--bench N] [DISK...], ls LOCATION, cat LOCATION,",
                "          extract [--force] LOCATION FILE, boot [OPTIONS] IMAGE, list, console ID,",
                "          stop [--force] [--timeout S] ID, devices, autoboot, config [PID [KEY=VALUE...]],",
                "          help [COMMAND]",
                "          (help COMMAND or COMMAND --help explains one)",
                "locations: <disk>[:<partition>][:<path>], e.g. disk.img:2:/boot/vmlinuz",
                "exit status: 0 done, 1 failed, 2 bad arguments (boot: the VM's, 0 when it powered off)",
                "");
    }
}
