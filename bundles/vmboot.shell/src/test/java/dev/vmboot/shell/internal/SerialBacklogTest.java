package dev.vmboot.shell.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class SerialBacklogTest {
    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void keepsEverythingUntilFullThenTheLastBytesOldestFirst() {
        SerialBacklog b = new SerialBacklog(8);
        assertArrayEquals(new byte[0], b.contents());
        b.write(ascii("hello"), 0, 5);
        assertArrayEquals(ascii("hello"), b.contents());
        b.write(ascii("xx world"), 2, 6);
        assertArrayEquals(ascii("lo world"), b.contents(), "11 bytes written, the last 8 kept");
        for (char c : "0123456789".toCharArray()) {
            b.write(new byte[] { (byte) c }, 0, 1);
        }
        assertArrayEquals(ascii("23456789"), b.contents());
        assertEquals(21, b.written());
    }

    @Test
    void aWriteLargerThanTheRingKeepsItsEnd() {
        SerialBacklog b = new SerialBacklog(4);
        b.write(ascii("ab"), 0, 2);
        b.write(ascii("0123456789"), 0, 10);
        assertArrayEquals(ascii("6789"), b.contents());
        assertEquals(12, b.written());
    }

    @Test
    void aRingHoldsAtLeastOneByte() {
        assertThrows(IllegalArgumentException.class, () -> new SerialBacklog(0));
    }
}
