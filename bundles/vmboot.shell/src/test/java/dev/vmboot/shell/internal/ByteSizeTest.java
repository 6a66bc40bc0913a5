package dev.vmboot.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ByteSizeTest {
    @Test
    void formatsBinaryUnits() {
        assertEquals("512 B", ByteSize.format(512));
        assertEquals("1.0 KiB", ByteSize.format(1024));
        assertEquals("1.5 GiB", ByteSize.format(3L << 29));
        assertEquals("200 MiB", ByteSize.format(200L << 20));
    }

    @Test
    void parsesWhatPeopleType() {
        assertEquals(1L << 30, ByteSize.parse("1G"));
        assertEquals(512L << 20, ByteSize.parse("512M"));
        assertEquals(2L << 30, ByteSize.parse("2GiB"));
        assertEquals(4096, ByteSize.parse("4096"));
        assertEquals(4L << 10, ByteSize.parse("4k"));
    }

    @Test
    void rejectsGarbageAndOverflow() {
        assertThrows(IllegalArgumentException.class, () -> ByteSize.parse("1.5G"));
        assertThrows(IllegalArgumentException.class, () -> ByteSize.parse("-1"));
        assertThrows(IllegalArgumentException.class, () -> ByteSize.parse("99999999999T"));
    }
}
