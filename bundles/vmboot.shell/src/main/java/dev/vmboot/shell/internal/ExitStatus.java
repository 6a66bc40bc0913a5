package dev.vmboot.shell.internal;

/**
 * What a command returns when its outcome is a process exit status (a VM's end): the script runner exits with
 * {@code code}; the interactive shell prints {@code message}.
 *
 * @param vmRunsOn whether a foreground boot returned with its VM still running, detached from the terminal (Ctrl-])
 */
record ExitStatus(int code, String message, boolean vmRunsOn) {
    ExitStatus(int code, String message) {
        this(code, message, false);
    }

    @Override
    public String toString() {
        return message;
    }
}
