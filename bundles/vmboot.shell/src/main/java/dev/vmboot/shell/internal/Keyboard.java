package dev.vmboot.shell.internal;

import java.io.IOException;

/** Keys as the autoboot menu reads them: one at a time, with or without a time limit. */
interface Keyboard extends AutoCloseable {
    /** What {@link #read(long)} returns when no key came in time. */
    int TIMEOUT = -2;
    /** What a read returns once the input has ended. */
    int END = -1;

    /** The next key, {@link #END} once input has ended, or {@link #TIMEOUT} after MILLIS without one. */
    int read(long millis) throws IOException, InterruptedException;

    /** The next key, waiting as long as it takes, or {@link #END}. */
    int read() throws IOException, InterruptedException;

    /** Gives the terminal back as it was (the VM console and the shell read it next). */
    @Override
    void close();
}
