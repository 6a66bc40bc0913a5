package dev.vmboot.shell.internal;

/**
 * What a command returns when its outcome is a process exit status (a VM's end): the script runner exits with
 * {@code code}; the interactive shell prints {@code message}.
 */
record ExitStatus(int code, String message) {
    @Override
    public String toString() {
        return message;
    }
}
