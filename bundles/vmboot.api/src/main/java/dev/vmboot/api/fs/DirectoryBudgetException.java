package dev.vmboot.api.fs;

import java.io.IOException;

/**
 * A directory, or the directories of a volume together, hold more records than vmboot reads ({@link DirectoryBudget}):
 * not necessarily corrupt, but more than a boot manager lists; the message names the directory or the volume and the
 * bound.
 */
public class DirectoryBudgetException extends IOException {
    private static final long serialVersionUID = 1L;

    /** Which bound was passed. */
    public enum Scope {
        /** {@link DirectoryBudget#RECORDS_PER_DIRECTORY}: this directory is too large; others may still be read. */
        DIRECTORY,
        /** {@link DirectoryBudget#RECORDS_PER_VOLUME}: nothing more is read from this opened filesystem. */
        VOLUME
    }

    private final Scope scope;

    public DirectoryBudgetException(Scope scope, String message) {
        super(message);
        this.scope = scope;
    }

    public Scope scope() {
        return scope;
    }
}
