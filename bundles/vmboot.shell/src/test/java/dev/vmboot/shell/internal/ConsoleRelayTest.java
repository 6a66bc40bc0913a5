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

import org.jline.utils.NonBlocking;
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
}
