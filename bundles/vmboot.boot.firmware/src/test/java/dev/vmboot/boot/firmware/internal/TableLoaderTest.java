package dev.vmboot.boot.firmware.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class TableLoaderTest {

    private static String nameAt(ByteBuffer b, int at) {
        byte[] n = new byte[56];
        b.get(at, n);
        return new String(n, StandardCharsets.US_ASCII).replace("\0", "");
    }

    @Test
    void commandsAreLaidOutAs128ByteEntries() {
        byte[] script = new TableLoader()
                .allocate("etc/acpi/rsdp", 36, 16, TableLoader.ZONE_FSEG)
                .allocate("etc/acpi/tables", 4096, 64, TableLoader.ZONE_HIGH)
                .addPointer("etc/acpi/rsdp", "etc/acpi/tables", 24, 8)
                .addChecksum("etc/acpi/rsdp", 8, 0, 20)
                .build();
        assertEquals(4 * 128, script.length);
        ByteBuffer b = ByteBuffer.wrap(script).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(TableLoader.COMMAND_ALLOCATE, b.getInt(0));
        assertEquals("etc/acpi/rsdp", nameAt(b, 4));
        assertEquals(16, b.getInt(60));
        assertEquals(TableLoader.ZONE_FSEG, b.get(64));
        assertEquals(TableLoader.COMMAND_ADD_POINTER, b.getInt(256));
        assertEquals("etc/acpi/rsdp", nameAt(b, 260));
        assertEquals("etc/acpi/tables", nameAt(b, 316));
        assertEquals(24, b.getInt(372));
        assertEquals(8, b.get(376));
        assertEquals(TableLoader.COMMAND_ADD_CHECKSUM, b.getInt(384));
        assertEquals(8, b.getInt(444));
        assertEquals(0, b.getInt(448));
        assertEquals(20, b.getInt(452));
    }

    @Test
    void mistakesAreCaughtWhenTheScriptIsBuilt() {
        TableLoader t = new TableLoader().allocate("a", 16, 4, TableLoader.ZONE_HIGH);
        assertThrows(IllegalArgumentException.class, () -> t.addPointer("a", "b", 0, 4), "unallocated source");
        assertThrows(IllegalArgumentException.class, () -> t.addPointer("a", "a", 13, 4), "outside the blob");
        assertThrows(IllegalArgumentException.class, () -> t.addPointer("a", "a", 0, 3), "odd pointer size");
        assertThrows(IllegalArgumentException.class, () -> t.addChecksum("a", 16, 0, 16), "checksum byte outside");
        assertThrows(IllegalArgumentException.class, () -> t.allocate("b", 16, 3, TableLoader.ZONE_HIGH));
    }
}
