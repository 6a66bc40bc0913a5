package dev.vmboot.api.fs;

import java.io.IOException;

/**
 * On-disk data that contradicts its format: a bad magic, a checksum mismatch, a pointer outside the device, a loop.
 * The message names the structure and the byte offset where it was found, so the problem can be looked at with a hex
 * dump or the format's own debugger ({@code xfs_db}, {@code debugfs}).
 */
public class CorruptFilesystemException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String structure;
    private final long offset;

    /**
     * @param structure the structure that is wrong, e.g. {@code "XFS directory leaf block (inode 131)"}
     * @param offset    its byte offset on the device being read, or -1 if not known
     * @param problem   what is wrong with it
     */
    public CorruptFilesystemException(String structure, long offset, String problem) {
        super(structure + (offset >= 0 ? " at byte " + offset : "") + ": " + problem);
        this.structure = structure;
        this.offset = offset;
    }

    public String structure() {
        return structure;
    }

    /** Byte offset on the device, or -1. */
    public long offset() {
        return offset;
    }
}
