package dev.vmboot.shell.internal;

/**
 * A command was given an argument it cannot take. The message is one sentence that names the command, the option or
 * argument, and what it accepts; {@code bin/vmboot} prints it and exits with {@value #EXIT_STATUS}.
 */
final class UsageException extends IllegalArgumentException {
    /** The exit status of a one-shot command refused for its arguments, as for the launcher's own options. */
    static final int EXIT_STATUS = 2;
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message, null);
    }

    /** The sentence alone: the interactive shell prints a failed command's exception as its toString. */
    @Override
    public String toString() {
        return getMessage();
    }
}
