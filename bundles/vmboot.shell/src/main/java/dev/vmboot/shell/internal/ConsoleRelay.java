package dev.vmboot.shell.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.vmboot.api.vm.Console;

/**
 * One virtual machine's serial console as the shell relays it. What the guest writes always goes into a
 * {@link SerialBacklog} of the last {@value #BACKLOG_BYTES} bytes and, while a terminal is attached, to that terminal
 * too; the guest reads keys only from the attached terminal, none while it is detached, so a VM in the background never
 * takes the shell's keys. One terminal at most is attached at a time: two VMs never share a terminal by accident, and
 * a second {@code vmboot:console} of the same VM is refused. The detach key (Ctrl-]) typed on an attachment that
 * allows it detaches it; the key does not reach the guest, and keys read together with it after it are dropped.
 *
 * <p>A terminal's keys have exactly one reader at a time: while attached, the machine's console pump (through
 * {@link #console()}); once {@link Attachment#detach()} has returned, whoever detached it (the shell, the boot menu).
 * Detaching waits for a look at the terminal under way to end, so the pump never reads a key after it: a jline
 * terminal expects a single reader, and a second one blocks on its lock or takes the other's keys. Then the terminal
 * gets back the mode it had before attaching (raw while attached, {@link RawTerminalMode}). The wait is bounded
 * ({@value #HANDOVER_MILLIS} ms; a look at a terminal in raw mode ends within jline's 0.1 s read timeout); a reader
 * stuck longer in the terminal is logged and left behind.
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
    /** How long detaching waits for a look at the terminal under way: looks of at most 0.1 s, on a loaded host. */
    static final long HANDOVER_MILLIS = 2000;
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleRelay.class);

    private final SerialBacklog backlog = new SerialBacklog(BACKLOG_BYTES);
    private final Console console = new Console(new GuestOutput(), new GuestInput());
    private final long handoverMillis;
    // Guarded by this.
    private Attachment attached;
    /** The thread looking at the attached terminal's keys now (the console pump), or null. Guarded by this. */
    private Thread terminalReader;

    ConsoleRelay() {
        this(HANDOVER_MILLIS);
    }

    /** With how long {@link Attachment#detach()} waits for the console pump to leave the terminal (for tests). */
    ConsoleRelay(long handoverMillis) {
        this.handoverMillis = handoverMillis;
    }

    /** A terminal attached to the console; {@link #detached()} completes once it is detached. */
    final class Attachment {
        private final OutputStream out;
        private final InputStream in;
        private final boolean detachKey;
        private final CompletableFuture<Void> detached = new CompletableFuture<>();
        /** Gives the terminal its mode back, once the pump has left it; the first release runs it. */
        private final java.util.concurrent.atomic.AtomicReference<Runnable> handBack;

        private Attachment(OutputStream out, InputStream in, boolean detachKey, Runnable handBack) {
            this.out = out;
            this.in = in;
            this.detachKey = detachKey;
            this.handBack = new java.util.concurrent.atomic.AtomicReference<>(handBack);
        }

        CompletableFuture<Void> detached() {
            return detached;
        }

        /**
         * Detaches this terminal and hands its keys back: when this returns, the console pump has left the terminal
         * and does not read it again (unless the bounded wait ran out, which is logged); whether it has left.
         */
        boolean detach() {
            return ConsoleRelay.this.release(this);
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
    Attachment attach(OutputStream out, InputStream in, boolean detachKey, boolean replay) throws IOException {
        return attach(out, in, detachKey, replay, () -> { });
    }

    /**
     * As {@link #attach(OutputStream, InputStream, boolean, boolean)}; HAND_BACK runs once the attachment is detached
     * and the console pump has left the terminal (it gives the terminal the mode it had before attaching).
     */
    synchronized Attachment attach(OutputStream out, InputStream in, boolean detachKey, boolean replay,
            Runnable handBack) throws IOException {
        Objects.requireNonNull(handBack, "handBack");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(in, "in");
        if (attached != null) {
            throw new IllegalStateException("another console is attached to it");
        }
        if (replay) {
            out.write(backlog.contents());
            out.flush();
        }
        attached = new Attachment(out, in, detachKey, handBack);
        return attached;
    }

    synchronized boolean isAttached() {
        return attached != null;
    }

    /** The last bytes the guest wrote, oldest first. */
    byte[] backlog() {
        return backlog.contents();
    }

    /**
     * Detaches whatever terminal is attached, waiting for the console pump to leave it (the machine ended: its pump
     * stops before it is closed); whether the terminal is free.
     */
    boolean detachTerminal() {
        Attachment a;
        synchronized (this) {
            a = attached;
        }
        return a == null || release(a);
    }

    /** Detaches A without waiting: from the pump's own read (the detach key, the end of input) or a failed write. */
    private void detach(Attachment a) {
        synchronized (this) {
            if (attached == a) {
                attached = null;
            }
        }
        a.detached.complete(null);
    }

    /** Detaches A, then waits (bounded) until no other thread is in a call on its terminal's input. */
    private boolean release(Attachment a) {
        detach(a);
        boolean interrupted = false;
        boolean free;
        synchronized (this) {
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(handoverMillis);
            while (terminalReader != null && terminalReader != Thread.currentThread()) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    interrupted = true; // Ctrl-C: the handover still finishes (it is bounded), then the interrupt
                }
            }
            free = terminalReader == null || terminalReader == Thread.currentThread();
            if (!free) {
                LOG.warn("the console pump ({}) is still reading the terminal {} ms after it was detached; another "
                        + "reader may block or lose keys to it", terminalReader.getName(), handoverMillis);
            }
        }
        Runnable handBack = a.handBack.getAndSet(null);
        if (handBack != null) {
            handBack.run();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return free;
    }

    /**
     * The attached terminal, now being read by this thread; null when none is attached, another thread reads it, or
     * this one was interrupted (a jline stream interrupted in a read keeps the failure for its next reader).
     */
    private synchronized Attachment beginRead() {
        if (attached == null || terminalReader != null || Thread.currentThread().isInterrupted()) {
            return null;
        }
        terminalReader = Thread.currentThread();
        return attached;
    }

    private synchronized void endRead() {
        terminalReader = null;
        notifyAll();
    }

    /** How many keys IN has ready, without blocking: a terminal's as {@link TerminalKeys} tells, else available(). */
    static int keysReady(InputStream in) throws IOException {
        return TerminalKeys.PRESENT && TerminalKeys.isTerminal(in) ? TerminalKeys.ready(in, KEY_PEEK_MILLIS)
                : in.available();
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
            Attachment a = beginRead();
            if (a == null) {
                return 0;
            }
            try {
                return keysReady(a.in);
            } finally {
                endRead();
            }
        }

        /** Up to LEN keys from the attached terminal; 0 while none is attached or once it detached. */
        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            Attachment a = beginRead();
            if (a == null) {
                return 0;
            }
            try {
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
            } finally {
                endRead();
            }
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
