package dev.vmboot.payload;

import java.io.IOException;

/** A file that is not the ELF object it claims to be, or one whose headers point outside it: one sentence why. */
public final class ElfFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public ElfFormatException(String message) {
        super(message);
    }
}
