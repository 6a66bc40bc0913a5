package dev.vmboot.shell.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.jline.utils.NonBlocking;
import org.jline.utils.NonBlockingInputStream;
import org.junit.jupiter.api.Test;

/**
 * A VM's console relayed by the shell: output into a bounded backlog always and to one attached terminal, keys only
 * from that terminal, Ctrl-] detaching where it may.
 */
class ConsoleRelayTest {
    private final ConsoleRelay relay = new ConsoleRelay();
    private final OutputStream guestOut = relay.console().output();
    private final InputStream guestIn = relay.console().input();

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private void guestWrites(String s) throws IOException {
        for (byte b : ascii(s)) {
            guestOut.write(b); // as the UART does, a byte at a time
            guestOut.flush();
        }
    }

    /** Reads what the guest would get now, as the VMM's console pump does (available, then read). */
    private String guestReads() throws IOException {
        byte[] buffer = new byte[64];
        int n = guestIn.read(buffer, 0, Math.min(guestIn.available(), buffer.length));
        return new String(buffer, 0, n, StandardCharsets.US_ASCII);
    }

    @Test
    void outputWhileDetachedIsReplayedOnAttachThenFollowedLive() throws IOException {
        guestWrites("booting\n");
        ByteArrayOutputStream terminal = new ByteArrayOutputStream();
        relay.attach(terminal, InputStream.nullInputStream(), true, true);
        guestWrites("login: ");
        assertEquals("booting\nlogin: ", terminal.toString(StandardCharsets.US_ASCII));
        assertArrayEquals(ascii("booting\nlogin: "), relay.backlog());
    }

    @Test
    void theBacklogIsBoundedWhateverTheGuestWrites() throws IOException {
        byte[] mib = new byte[1 << 20];
        for (int i = 0; i < 8; i++) {
            guestOut.write(mib, 0, mib.length);
        }
        guestWrites("the end");
        byte[] kept = relay.backlog();
        assertEquals(ConsoleRelay.BACKLOG_BYTES, kept.length);
        assertTrue(new String(kept, StandardCharsets.US_ASCII).endsWith("the end"));
    }

    @Test
    void theGuestGetsKeysOnlyFromAnAttachedTerminal() throws IOException {
        assertEquals(0, guestIn.available(), "nothing attached: no keys, and the shell's are not taken");
        assertEquals(0, guestIn.read(new byte[8], 0, 8));
        ByteArrayInputStream keys = new ByteArrayInputStream(ascii("root\n"));
        relay.attach(OutputStream.nullOutputStream(), keys, true, false);
        assertEquals("root\n", guestReads());
    }

    /** A jline terminal (the interactive shell's keyboard) says 0 to available() whatever was typed. */
    @Test
    void keysTypedOnAJlineTerminalReachTheGuestAndCtrlBracketDetaches() throws IOException {
        InputStream terminal = NonBlocking.nonBlocking("test", new ByteArrayInputStream(ascii("ok\r\u001dls\r")));
        assertEquals(0, terminal.available(), "what the VMM's console pump would have seen");
        ConsoleRelay.Attachment a = relay.attach(OutputStream.nullOutputStream(), terminal, true, false);
        StringBuilder got = new StringBuilder();
        for (int i = 0; i < 10 && !a.detached().isDone(); i++) {
            got.append(guestReads());
        }
        assertEquals("ok\r", got.toString());
        assertTrue(a.detached().isDone());
        assertEquals('l', terminal.read(), "the keys after Ctrl-] stay the terminal's (the shell's)");
    }

    @Test
    void ctrlBracketDetachesWithoutReachingTheGuest() throws IOException {
        ByteArrayOutputStream terminal = new ByteArrayOutputStream();
        ConsoleRelay.Attachment a = relay.attach(terminal, new ByteArrayInputStream(ascii("ls\u001dafter")), true,
                false);
        assertEquals("ls", guestReads());
        assertTrue(a.detached().isDone());
        assertFalse(relay.isAttached());
        assertEquals("", guestReads(), "what followed the key is not the guest's");
        guestWrites("more output");
        assertEquals("", terminal.toString(StandardCharsets.US_ASCII), "a detached terminal gets nothing");
        ConsoleRelay.Attachment again = relay.attach(terminal, InputStream.nullInputStream(), true, true);
        assertFalse(again.detached().isDone());
        assertEquals("more output", terminal.toString(StandardCharsets.US_ASCII), "the backlog on attaching again");
    }

    @Test
    void withoutTheDetachKeyCtrlBracketIsAKeyForTheGuest() throws IOException {
        ConsoleRelay.Attachment a = relay.attach(OutputStream.nullOutputStream(),
                new ByteArrayInputStream(ascii("a\u001db")), false, false);
        assertEquals("a\u001db", guestReads());
        assertFalse(a.detached().isDone());
    }

    @Test
    void oneTerminalAtATime() throws IOException {
        ConsoleRelay.Attachment first = relay.attach(OutputStream.nullOutputStream(), InputStream.nullInputStream(),
                true, false);
        assertThrows(IllegalStateException.class, () -> relay.attach(OutputStream.nullOutputStream(),
                InputStream.nullInputStream(), true, false));
        first.detach();
        relay.attach(OutputStream.nullOutputStream(), InputStream.nullInputStream(), true, false);
    }

    @Test
    void aTerminalThatFailsIsDetachedAndTheGuestWritesOn() throws IOException {
        OutputStream broken = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("terminal gone");
            }
        };
        ConsoleRelay.Attachment a = relay.attach(broken, InputStream.nullInputStream(), true, false);
        guestWrites("x");
        assertTrue(a.detached().isDone());
        guestWrites("y");
        assertArrayEquals(ascii("xy"), relay.backlog());
    }

    /** Keys typed one by one: read() blocks until one comes, as a terminal's does. */
    private static final class TypedKeys extends InputStream {
        private final BlockingQueue<Integer> keys = new LinkedBlockingQueue<>();

        void type(String s) {
            s.chars().forEach(keys::add);
        }

        @Override
        public int read() throws IOException {
            try {
                return keys.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException();
            }
        }

        @Override
        public int available() {
            return keys.size();
        }
    }

    /** A terminal whose look at its keys blocks until released: a console pump caught in the middle of one. */
    private static final class HeldTerminal extends InputStream {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger looks = new AtomicInteger();

        @Override
        public int available() throws IOException {
            looks.incrementAndGet();
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 0;
        }

        @Override
        public int read() {
            looks.incrementAndGet();
            return 'k';
        }
    }

    /** The VMM's console pump, as KvmVirtualMachine polls: available, read what is ready, else a short park. */
    private Thread pump(StringBuffer pumped, java.util.concurrent.atomic.AtomicBoolean stop) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[64];
            try {
                while (!stop.get()) {
                    int ready = guestIn.available();
                    if (ready <= 0) {
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                        continue;
                    }
                    int n = guestIn.read(buffer, 0, Math.min(ready, buffer.length));
                    pumped.append(new String(buffer, 0, n, StandardCharsets.US_ASCII));
                }
            } catch (IOException e) {
                pumped.append("failed: ").append(e);
            }
        }, "test-console-pump");
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Test
    void detachReturnsOnlyOnceThePumpHasLeftTheTerminal() throws Exception {
        HeldTerminal terminal = new HeldTerminal();
        ConsoleRelay.Attachment a = relay.attach(OutputStream.nullOutputStream(), terminal, true, false);
        FutureTask<Integer> look = new FutureTask<>(guestIn::available);
        new Thread(look, "test-console-pump").start();
        assertTrue(terminal.entered.await(5, TimeUnit.SECONDS));
        FutureTask<Boolean> detach = new FutureTask<>(a::detach);
        new Thread(detach, "test-detach").start();
        assertThrows(java.util.concurrent.TimeoutException.class, () -> detach.get(200, TimeUnit.MILLISECONDS),
                "detach waits while the pump is still in the terminal");
        assertTrue(a.detached().isDone(), "no new look starts meanwhile");
        terminal.release.countDown();
        assertTrue(detach.get(5, TimeUnit.SECONDS), "the pump left the terminal");
        assertEquals(0, look.get(5, TimeUnit.SECONDS));
        assertEquals(0, guestIn.available());
        assertEquals(0, guestIn.read(new byte[8], 0, 8));
        assertEquals(1, terminal.looks.get(), "after detach the pump never looks at the terminal again");
    }

    @Test
    void aPumpStuckInTheTerminalHoldsDetachOnlyForTheBoundedHandover() throws Exception {
        ConsoleRelay bounded = new ConsoleRelay(100);
        HeldTerminal terminal = new HeldTerminal();
        ConsoleRelay.Attachment a = bounded.attach(OutputStream.nullOutputStream(), terminal, true, false);
        Thread stuck = new Thread(() -> {
            try {
                bounded.console().input().available();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }, "test-stuck-pump");
        stuck.setDaemon(true);
        stuck.start();
        assertTrue(terminal.entered.await(5, TimeUnit.SECONDS));
        long start = System.nanoTime();
        assertFalse(a.detach(), "the pump is still in the terminal");
        long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(waitedMillis >= 90 && waitedMillis < 5000, "waited " + waitedMillis + " ms");
        terminal.release.countDown();
        stuck.join(5000);
        assertTrue(bounded.detachTerminal(), "nothing attached: the terminal is free");
    }

    /**
     * The boot menu after a VM powered off: the relay detaches, then the menu reads the jline terminal with no time
     * limit while the machine's pump still polls the relay; every key is the menu's.
     */
    @Test
    void afterDetachTheTerminalsNextReaderGetsEveryKey() throws Exception {
        TypedKeys keys = new TypedKeys();
        NonBlockingInputStream terminal = NonBlocking.nonBlocking("test", keys);
        ConsoleRelay.Attachment a = relay.attach(OutputStream.nullOutputStream(), terminal, true, false);
        StringBuffer pumped = new StringBuffer();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Thread pump = pump(pumped, stop);
        keys.type("ls\r");
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!pumped.toString().equals("ls\r") && System.nanoTime() < end) {
            Thread.sleep(5);
        }
        assertEquals("ls\r", pumped.toString(), "the guest's keys while attached");
        assertTrue(a.detach());
        for (String key : new String[] { "1", "e", "\r" }) {
            FutureTask<Integer> menu = new FutureTask<>(() -> terminal.read());
            new Thread(menu, "test-menu").start();
            Thread.sleep(20); // the menu waits in its read before the key comes
            keys.type(key);
            assertEquals(key.charAt(0), (char) (int) menu.get(5, TimeUnit.SECONDS));
        }
        stop.set(true);
        pump.join(5000);
        assertFalse(pump.isAlive());
        assertEquals("ls\r", pumped.toString(), "the pump took nothing after the detach");
    }

    /** The terminal's mode (raw while attached) is given back once, after the pump has left the terminal. */
    @Test
    void theTerminalIsHandedBackOnceAfterThePumpLeftIt() throws Exception {
        HeldTerminal terminal = new HeldTerminal();
        AtomicInteger handedBack = new AtomicInteger();
        ConsoleRelay.Attachment a = relay.attach(OutputStream.nullOutputStream(), terminal, true, false,
                handedBack::incrementAndGet);
        FutureTask<Integer> look = new FutureTask<>(guestIn::available);
        new Thread(look, "test-console-pump").start();
        assertTrue(terminal.entered.await(5, TimeUnit.SECONDS));
        FutureTask<Boolean> detach = new FutureTask<>(a::detach);
        new Thread(detach, "test-detach").start();
        Thread.sleep(100);
        assertEquals(0, handedBack.get(), "not while the pump is in the terminal");
        terminal.release.countDown();
        assertTrue(detach.get(5, TimeUnit.SECONDS));
        assertEquals(1, handedBack.get());
        assertTrue(a.detach());
        assertTrue(relay.detachTerminal());
        assertEquals(1, handedBack.get(), "once");
    }

    @Test
    void detachingTheTerminalOfAnEndedMachineIsIdempotent() throws IOException {
        assertTrue(relay.detachTerminal(), "nothing attached");
        ConsoleRelay.Attachment a = relay.attach(OutputStream.nullOutputStream(), InputStream.nullInputStream(), true,
                false);
        assertTrue(relay.detachTerminal());
        assertTrue(a.detached().isDone());
        assertFalse(relay.isAttached());
        assertTrue(a.detach(), "a second detach, the boot command's after the machine's follower");
    }
}
