package dev.vmboot.shell.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

import dev.vmboot.api.vm.Console;

/**
 * One virtual machine's serial console as the shell relays it. What the guest writes always goes into a
 * {@link SerialBacklog} of the last {@value #BACKLOG_BYTES} bytes and, while a terminal is attached, to that terminal
 * too; the guest reads keys only from the attached terminal, none while it is detached, so a VM in the background never
 * takes the shell's keys. One terminal at most is attached at a time: two VMs never share a terminal by accident, and
 * a second {@code vmboot:console} of the same VM is refused. The detach key (Ctrl-]) typed on an attachment that
 * allows it detaches it; the key does not reach the guest, and keys read together with it after it are dropped.
 */
final class ConsoleRelay {
    /** 64 KiB: a few screens of a boot log, whatever the guest writes. */
    static final int BACKLOG_BYTES = 64 * 1024;
    /** Ctrl-] (ASCII GS, 0x1D): telnet's escape character, and what virsh console detaches with. */
    static final int DETACH_KEY = 0x1D;
    /** How long a look at a terminal's keys waits for one: the VMM's console pump asks every 10-50 ms. */
    private static final long KEY_PEEK_MILLIS = 1;
    /** How often a blocking single-byte read looks for a key (the VMM's console pump never uses it). */
    private static final long KEY_POLL_MILLIS = 20;

    private final SerialBacklog backlog = new SerialBacklog(BACKLOG_BYTES);
    private final Console console = new Console(new GuestOutput(), new GuestInput());
    // Guarded by this.
    private Attachment attached;

    /** A terminal attached to the console; {@link #detached()} completes once it is detached. */
    final class Attachment {
        private final OutputStream out;
        private final InputStream in;
        private final boolean detachKey;
        private final CompletableFuture<Void> detached = new CompletableFuture<>();

        private Attachment(OutputStream out, InputStream in, boolean detachKey) {
            this.out = out;
            this.in = in;
            this.detachKey = detachKey;
        }

        CompletableFuture<Void> detached() {
            return detached;
        }

        void detach() {
            ConsoleRelay.this.detach(this);
        }
    }

    /** What the machine is given: the guest's output and input. */
    Console console() {
        return console;
    }

    /**
     * Attaches a terminal: OUT gets the backlog first if REPLAY is set, then what the guest writes; keys typed on IN go
     * to the guest.
     *
     * @param detachKey whether {@value #DETACH_KEY} typed on IN detaches (else it goes to the guest like any key)
     * @throws IllegalStateException if a terminal is attached already
     */
    synchronized Attachment attach(OutputStream out, InputStream in, boolean detachKey, boolean replay)
            throws IOException {
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(in, "in");
        if (attached != null) {
            throw new IllegalStateException("another console is attached to it");
        }
        if (replay) {
            out.write(backlog.contents());
            out.flush();
        }
        attached = new Attachment(out, in, detachKey);
        return attached;
    }

    synchronized boolean isAttached() {
        return attached != null;
    }

    /** The last bytes the guest wrote, oldest first. */
    byte[] backlog() {
        return backlog.contents();
    }

    private void detach(Attachment a) {
        synchronized (this) {
            if (attached == a) {
                attached = null;
            }
        }
        a.detached.complete(null);
    }

    /** How many keys IN has ready, without blocking: a terminal's as {@link TerminalKeys} tells, else available(). */
    static int keysReady(InputStream in) throws IOException {
        return TerminalKeys.PRESENT && TerminalKeys.isTerminal(in) ? TerminalKeys.ready(in, KEY_PEEK_MILLIS)
                : in.available();
    }

    private synchronized Attachment current() {
        return attached;
    }

    /** The guest's serial output: into the backlog, and to the attached terminal. */
    private final class GuestOutput extends OutputStream {
        @Override
        public void write(int b) {
            write(new byte[] { (byte) b }, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            Objects.checkFromIndexSize(off, len, b.length);
            synchronized (ConsoleRelay.this) {
                backlog.write(b, off, len);
                if (attached != null) {
                    try {
                        attached.out.write(b, off, len);
                    } catch (IOException e) {
                        detach(attached); // the terminal went away; the guest writes on into the backlog
                    }
                }
            }
        }

        @Override
        public void flush() {
            synchronized (ConsoleRelay.this) {
                if (attached != null) {
                    try {
                        attached.out.flush();
                    } catch (IOException e) {
                        detach(attached);
                    }
                }
            }
        }
    }

    /** Keys for the guest: from the attached terminal, none while detached. */
    private final class GuestInput extends InputStream {
        @Override
        public int available() throws IOException {
            Attachment a = current();
            return a == null ? 0 : keysReady(a.in);
        }

        /** Up to LEN keys from the attached terminal; 0 while none is attached or once it detached. */
        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            Attachment a = current();
            if (a == null || len == 0) {
                return 0;
            }
            int n = a.in.read(b, off, len);
            if (n < 0) {
                detach(a); // the terminal's input ended
                return 0;
            }
            if (a.detachKey) {
                for (int i = off; i < off + n; i++) {
                    if ((b[i] & 0xFF) == DETACH_KEY) {
                        detach(a);
                        return i - off;
                    }
                }
            }
            return n;
        }

        /** One key, waiting until a terminal attached to the console types one. */
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            while (read(one, 0, 1) == 0) {
                try {
                    Thread.sleep(KEY_POLL_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while waiting for a key");
                }
            }
            return one[0] & 0xFF;
        }
    }
}
