package dev.vmboot.acpi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;

import org.junit.jupiter.api.Test;

class AmlTest {

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    @Test
    void pkgLengthUsesOneToFourBytesAndCountsItself() {
        // ACPI 6.5 20.2.4: one byte up to 63 in total; then lead byte bits 7:6 = extra bytes, bits 3:0 low nibble
        assertArrayEquals(hex("01"), Aml.pkgLength(0));
        assertArrayEquals(hex("3F"), Aml.pkgLength(62));
    }

    @Test
    void pkgLengthBoundaries() {
        // 63 content bytes + 2 length bytes = 65 = 0x041: lead 0x40 | 0x1, then 0x04
        assertArrayEquals(hex("41 04"), Aml.pkgLength(63));
        // 0xFFF - 2 content bytes: total 0xFFF fits two bytes
        assertArrayEquals(hex("4F FF"), Aml.pkgLength(0xFFF - 2));
        // one more needs three bytes: total 0x1000 + 1 = 0x1001
        assertArrayEquals(hex("81 00 01"), Aml.pkgLength(0xFFF - 1));
        assertArrayEquals(hex("CF FF FF FF"), Aml.pkgLength(Aml.MAX_PKG_LENGTH - 4));
        assertThrows(IllegalArgumentException.class, () -> Aml.pkgLength(Aml.MAX_PKG_LENGTH - 3));
    }

    @Test
    void fieldWidthsUseTheLengthEncodingWithoutCountingThemselves() {
        // FieldOp, PkgLength, region name, flags, then each NameSeg with its width in bits (20.2.5.2)
        assertArrayEquals(hex("5B 81 0B 47 44 53 54 41 47 44 41 54 08"),
                Aml.field("GDST", Aml.FIELD_BYTE_ACCESS_NO_LOCK_WRITE_AS_ZEROS, "GDAT", 8));
        assertArrayEquals(hex("5B 81 11 52 45 47 30 01 41 41 41 41 3F 42 42 42 42 40 04"),
                Aml.field("REG0", 0x01, "AAAA", 63, "BBBB", 64));
        assertThrows(IllegalArgumentException.class, () -> Aml.field("GDST", 0x01, "GDAT.X", 8));
        assertThrows(IllegalArgumentException.class, () -> Aml.field("GDST", 0x01, "GDAT", 0));
        assertThrows(IllegalArgumentException.class, () -> Aml.field("GDST", 0x01, "GDAT"));
    }

    @Test
    void statementsOfTheEventMethod() {
        assertArrayEquals(hex("5B 80 47 44 53 54 00 0C 00 00 B0 FE 01"),
                Aml.operationRegion("GDST", Aml.REGION_SYSTEM_MEMORY, 0xFEB0_0000L, 1));
        assertArrayEquals(hex("70 47 44 41 54 60"), Aml.store(Aml.nameString("GDAT"), Aml.local0()));
        assertArrayEquals(hex("7B 60 0A 08 00"), Aml.and(Aml.local0(), Aml.integer(8)));
        assertArrayEquals(hex("86 5C 2E 5F 53 42 5F 50 57 52 42 0A 80"), Aml.notify("\\_SB.PWRB", 0x80));
        assertArrayEquals(hex("A0 05 60 86 41 42"), Aml.ifThen(Aml.local0(), hex("86 41 42")));
    }

    @Test
    void namesAreFourCharacterSegmentsWithPrefixes() {
        assertArrayEquals("_HID".getBytes(), Aml.nameString("_HID"));
        assertArrayEquals("_S5_".getBytes(), Aml.nameString("_S5"));
        assertArrayEquals(hex("5C 5F 53 42 5F"), Aml.nameString("\\_SB"));
        assertArrayEquals(hex("5C 2E 5F 53 42 5F 50 43 49 30"), Aml.nameString("\\_SB.PCI0"));
        assertArrayEquals(hex("5C 2F 03 5F 53 42 5F 50 43 49 30 43 4F 4D 31"), Aml.nameString("\\_SB.PCI0.COM1"));
        assertArrayEquals(hex("5E 5E 41 42 43 5F"), Aml.nameString("^^ABC"));
        assertArrayEquals(hex("5C 00"), Aml.nameString("\\"));
        assertThrows(IllegalArgumentException.class, () -> Aml.nameString("TOOLONG"));
        assertThrows(IllegalArgumentException.class, () -> Aml.nameString("1ABC"));
        assertThrows(IllegalArgumentException.class, () -> Aml.nameString("a"));
        assertThrows(IllegalArgumentException.class, () -> Aml.nameString("\\_SB..X"));
    }

    @Test
    void integersUseTheShortestEncoding() {
        assertArrayEquals(hex("00"), Aml.integer(0));
        assertArrayEquals(hex("01"), Aml.integer(1));
        assertArrayEquals(hex("FF"), Aml.integer(-1));
        assertArrayEquals(hex("0A 05"), Aml.integer(5));
        assertArrayEquals(hex("0A FF"), Aml.integer(0xFF));
        assertArrayEquals(hex("0B 00 01"), Aml.integer(0x100));
        assertArrayEquals(hex("0C 00 00 00 E8"), Aml.integer(0xE800_0000L));
        assertArrayEquals(hex("0E 00 00 00 C0 01 00 00 00"), Aml.integer(0x1_C000_0000L));
    }

    @Test
    void eisaIdsPackLettersAndDigits() {
        // the ASL EISAID() macro: "PNP0A03" -> 0x030AD041
        assertEquals(0x030AD041L, Aml.eisaIdValue("PNP0A03"));
        assertEquals(0x080AD041L, Aml.eisaIdValue("PNP0A08"));
        assertEquals(0x0105D041L, Aml.eisaIdValue("PNP0501"));
        assertThrows(IllegalArgumentException.class, () -> Aml.eisaIdValue("pnp0A03"));
        assertThrows(IllegalArgumentException.class, () -> Aml.eisaIdValue("PNP0A0"));
    }

    @Test
    void stringsAreNulTerminated() {
        assertArrayEquals(hex("0D 41 43 50 49 30 30 30 37 00"), Aml.string("ACPI0007"));
        assertThrows(IllegalArgumentException.class, () -> Aml.string("a\0b"));
    }

    @Test
    void objectsNestWithPackageLengths() {
        // Name(_UID, One)
        assertArrayEquals(hex("08 5F 55 49 44 01"), Aml.name("_UID", Aml.integer(1)));
        // Method(_STA, 0, NotSerialized) { Return (0x0F) }: 14 len "_STA" flags A4 0A 0F
        assertArrayEquals(hex("14 09 5F 53 54 41 00 A4 0A 0F"),
                Aml.method("_STA", 0, false, Aml.returnValue(Aml.integer(0x0F))));
        assertArrayEquals(hex("14 09 5F 53 54 41 0B A4 0A 0F"),
                Aml.method("_STA", 3, true, Aml.returnValue(Aml.integer(0x0F))));
        // Device(COM1) {}: 5B 82 len "COM1"
        assertArrayEquals(hex("5B 82 05 43 4F 4D 31"), Aml.device("COM1"));
        // Scope(\_SB) {}
        assertArrayEquals(hex("10 06 5C 5F 53 42 5F"), Aml.scope("\\_SB"));
        // Package() {5, Zero}: 12 len count elements
        assertArrayEquals(hex("12 05 02 0A 05 00"), Aml.pkg(Aml.integer(5), Aml.integer(0)));
        // Buffer() {1, 2}: 11 len size bytes
        assertArrayEquals(hex("11 05 0A 02 01 02"), Aml.buffer(new byte[] {1, 2}));
        assertThrows(IllegalArgumentException.class, () -> Aml.method("_STA", 8, false));
    }

    @Test
    void resourceTemplatesEndWithAChecksum() {
        byte[] t = new ResourceTemplate().io(true, 0x3F8, 0x3F8, 1, 8).irqNoFlags(4).toBytes();
        // 6.4.2.5: 47 01 F8 03 F8 03 01 08; 6.4.2.1: 22 10 00; 6.4.2.9: 79 checksum
        assertArrayEquals(hex("47 01 F8 03 F8 03 01 08 22 10 00 79"), java.util.Arrays.copyOf(t, 12));
        assertEquals(13, t.length);
        assertEquals(0, SdtHeader.sum(t, 0, t.length));
        byte[] e = new ResourceTemplate().interrupt(false, true, true, 17).toBytes();
        // 6.4.3.6: 89 06 00, flags consumer|active-low|shared (level), count 1, GSI 17
        assertArrayEquals(hex("89 06 00 0D 01 11 00 00 00 79"), java.util.Arrays.copyOf(e, 10));
        assertThrows(IllegalArgumentException.class, () -> new ResourceTemplate().irqNoFlags(16));
        assertThrows(IllegalArgumentException.class, () -> new ResourceTemplate().dwordMemory(2, 1));
        assertThrows(IllegalArgumentException.class, () -> new ResourceTemplate().io(true, 0x10000, 0, 1, 1));
    }
}
