package dev.vmboot.shell.internal;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import dev.vmboot.shell.internal.CommandArguments.Option;

/**
 * What a {@code vmboot:*} command accepts: its options, how many operands
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

    static final CommandSyntax EXTRACT = new CommandSyntax("extract", List.of(Option.flag("-f", "--force")), 2, 2,
            "a LOCATION of a file, " + LOCATION + ", and the host FILE to write",
            String.join("\n",
                    "usage: extract [--force] LOCATION FILE",
                    "  LOCATION    " + LOCATION + " of a file, e.g. disk.img:2:/firmware/OVMF.fd",
                    "  FILE        the host file to write: replaced only once the whole copy is on disk; a pipe,",
                    "              character device or /dev/stdout is written in place; never the disk read",
                    "  -f, --force FILE may be a block device: overwritten from its first byte"));

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
