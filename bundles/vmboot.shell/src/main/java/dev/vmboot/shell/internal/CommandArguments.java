package dev.vmboot.shell.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The arguments of one {@code vmboot:*} command as parsed by its {@link CommandSyntax}: vmboot parses them itself
 * because gogo's own coercion errors ("Cannot coerce ls() to any of [(CommandSession, String)]", "For input string")
 * name neither the argument nor what it accepts, and gogo options cannot repeat.
 *
 * <p>Options may stand anywhere before {@code --}; after it every argument is an operand, also one starting with
 * {@code -}. {@code -h} or {@code --help} asks for the command's usage.
 */
final class CommandArguments {
    /** Arguments quoted back in an error message at most, and characters of each. */
    private static final int SHOWN_ARGUMENTS = 4;
    private static final int SHOWN_CHARACTERS = 80;

    /**
     * An option a command takes.
     *
     * @param names its names, e.g. {@code -f} and {@code --force}
     * @param value for an option that takes a value, what the value is ("N, the number of scans to time, 1..10000");
     *              empty for a flag
     */
    record Option(List<String> names, Optional<String> value) {
        static Option flag(String... names) {
            return new Option(List.of(names), Optional.empty());
        }

        static Option valued(String value, String... names) {
            return new Option(List.of(names), Optional.of(value));
        }

        String name() {
            return names.get(names.size() - 1);
        }

        @Override
        public String toString() {
            return String.join("/", names) + value.map(v -> " " + v.split(",")[0]).orElse("");
        }
    }

    /** Thrown for {@code -h}/{@code --help}: not an error, the usage is the whole answer. */
    static final class HelpRequested extends RuntimeException {
        private static final long serialVersionUID = 1L;

        HelpRequested(String usage) {
            super(usage, null, false, false);
        }

        String usage() {
            return getMessage();
        }
    }

    private final Map<String, String> values;
    private final List<String> operands;

    private CommandArguments(Map<String, String> values, List<String> operands) {
        this.values = values;
        this.operands = operands;
    }

    /**
     * Parses ARGS by SYNTAX.
     *
     * @throws UsageException naming the command, the argument and what it accepts
     * @throws HelpRequested  for {@code -h}/{@code --help}
     */
    static CommandArguments parse(CommandSyntax syntax, String[] args) {
        Map<String, String> values = new HashMap<>();
        List<String> operands = new ArrayList<>();
        boolean optionsEnded = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i] == null ? "" : args[i];
            if (optionsEnded || !a.startsWith("-") || a.equals("-")) {
                operands.add(a);
                continue;
            }
            if (a.equals("--")) {
                optionsEnded = true;
                continue;
            }
            if (a.equals("-h") || a.equals("--help")) {
                throw new HelpRequested(syntax.usage());
            }
            Option option = syntax.option(a).orElseThrow(() -> new UsageException(syntax.command()
                    + ": unknown option " + shown(a) + "; " + syntax.command() + " takes " + syntax.optionList()
                    + " (" + syntax.command() + " --help)"));
            if (values.containsKey(option.name())) {
                throw new UsageException(syntax.command() + ": " + String.join("/", option.names())
                        + " is given twice; give it once");
            }
            String value = "";
            if (option.value().isPresent()) {
                if (i + 1 >= args.length || args[i + 1] == null) {
                    throw new UsageException(syntax.command() + ": " + a + " needs a value, "
                            + option.value().get());
                }
                value = args[++i];
            }
            values.put(option.name(), value);
        }
        if (operands.size() < syntax.minOperands() || operands.size() > syntax.maxOperands()) {
            throw new UsageException(syntax.command() + " takes " + syntax.operands() + "; it was given "
                    + shown(operands));
        }
        return new CommandArguments(values, List.copyOf(operands));
    }

    /** Whether the flag (any of its names, given by its last) was given. */
    boolean flag(String name) {
        return values.containsKey(name);
    }

    /** The value of an option (given by its last name), if it was given. */
    Optional<String> value(String name) {
        return Optional.ofNullable(values.get(name));
    }

    List<String> operands() {
        return operands;
    }

    /** Arguments as an error message quotes them: a few, each shortened, control characters made visible. */
    static String shown(List<String> args) {
        if (args.isEmpty()) {
            return "none";
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < Math.min(args.size(), SHOWN_ARGUMENTS); i++) {
            b.append(i == 0 ? "" : " ").append(shown(args.get(i)));
        }
        if (args.size() > SHOWN_ARGUMENTS) {
            b.append(" ... (").append(args.size()).append(" in all)");
        }
        return b.toString();
    }

    /** One argument, quoted, at most {@value #SHOWN_CHARACTERS} characters, control characters as {@code \xNN}. */
    static String shown(String arg) {
        return "'" + shownUnquoted(arg) + "'";
    }

    /** {@link #shown(String)} without the quotes: a name in a table's column. */
    static String shownUnquoted(String arg) {
        StringBuilder b = new StringBuilder();
        int n = Math.min(arg.length(), SHOWN_CHARACTERS);
        for (int i = 0; i < n; i++) {
            char c = arg.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\x%02x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append(arg.length() > n ? "..." : "").toString();
    }
}
