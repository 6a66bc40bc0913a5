package dev.vmboot.storage.internal.scan;

import java.io.IOException;

/** Positional reads of a file's (possibly decompressed) content, as much of it as the source allows. */
interface ContentReader {

    /**
     * Reads up to {@code length} bytes at {@code position}; fewer only at the end of what can be read.
     *
     * @return the bytes read, possibly fewer than asked
     */
    byte[] read(long position, int length) throws IOException;
}
