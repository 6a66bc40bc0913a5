package dev.vmboot.acpi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The tables of the i440FX + PIIX4 PC that OVMF runs on: ACPI fixed hardware instead of hardware-reduced. */
class PcAcpiTablesTest {

    /** OvmfPkg/Include/IndustryStandard/I440FxPiix4.h PIIX4_PMBA_VALUE. */
    private static final int OVMF_PM_BASE = 0xB000;
    private static final SdtHeader OEM = SdtHeader.VMBOOT;

    @TempDir
    Path dir;

    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static AcpiTables pc(int vcpus, long ramBelow4GiB, int pmBase) {
        return AcpiTables.build(OEM, PlatformDescription.i440fx(vcpus, ramBelow4GiB, ramBelow4GiB, pmBase), 0, 1 << 20);
    }

    @Test
    void pcTablesHaveAFacsAndNoMcfg() {
        AcpiTables t = pc(2, 512L << 20, OVMF_PM_BASE);
        assertEquals(java.util.List.of("RSD PTR ", "DSDT", "FACS", "FACP", "APIC", "XSDT"),
                t.tables().stream().map(AcpiTables.Table::signature).toList());
        AcpiTables.Table facs = t.table("FACS");
        assertEquals(0, facs.address() % 64, "FACS alignment (ACPI 6.5, 5.2.10)");
        assertEquals("FACS", new String(facs.bytes(), 0, 4, StandardCharsets.US_ASCII));
        assertEquals(64, le(facs.bytes()).getInt(4));
        ByteBuffer x = le(t.table("XSDT").bytes());
        assertEquals(36 + 2 * 8, x.capacity(), "FACP and APIC only");
        assertEquals(t.table("FACP").address(), x.getLong(36));
        assertEquals(t.table("APIC").address(), x.getLong(44));
    }

    @Test
    void fadtDescribesThePiix4PmBlockAtTheProgrammedBase() {
        AcpiTables t = pc(1, 512L << 20, 0x600);
        ByteBuffer f = le(t.table("FACP").bytes());
        assertEquals(t.table("FACS").address(), f.getInt(Fadt.FIRMWARE_CTRL_OFFSET));
        assertEquals(t.table("DSDT").address(), f.getInt(Fadt.DSDT_OFFSET));
        assertEquals(9, f.getShort(Fadt.SCI_INT_OFFSET), "SCI on IRQ 9");
        assertEquals(0, f.getInt(48), "SMI_CMD: always in ACPI mode");
        assertEquals(0x600, f.getInt(Fadt.PM1A_EVT_BLK_OFFSET));
        assertEquals(0x604, f.getInt(Fadt.PM1A_CNT_BLK_OFFSET));
        assertEquals(0x608, f.getInt(Fadt.PM_TMR_BLK_OFFSET));
        assertEquals(4, f.get(Fadt.PM1_EVT_LEN_OFFSET));
        assertEquals(2, f.get(Fadt.PM1_CNT_LEN_OFFSET));
        assertEquals(4, f.get(Fadt.PM_TMR_LEN_OFFSET));
        int flags = f.getInt(Fadt.FLAGS_OFFSET);
        assertEquals(0, flags & Fadt.HW_REDUCED_ACPI);
        assertEquals(0, flags & Fadt.TMR_VAL_EXT, "the PIIX4 PM timer has 24 bits");
        assertEquals(Fadt.RESET_REG_SUP, flags & Fadt.RESET_REG_SUP);
        assertEquals(0, flags & Fadt.PWR_BUTTON, "the fixed power button of the PM1 blocks");
        assertEquals(Fadt.SLP_BUTTON, flags & Fadt.SLP_BUTTON, "no sleep button");
        assertEquals(0, f.getInt(Fadt.SLEEP_CONTROL_REG_OFFSET + 4), "no hardware-reduced sleep register");
        assertEquals(0, SdtHeader.sum(t.table("FACP").bytes(), 0, Fadt.LENGTH));
    }

    @Test
    void madtOverridesTheSciAsLevelTriggered() {
        byte[] m = pc(2, 1L << 30, OVMF_PM_BASE).table("APIC").bytes();
        int at = Madt.STRUCTURES_OFFSET + 2 * 8 + 12;
        assertEquals(Madt.TYPE_INTERRUPT_SOURCE_OVERRIDE, m[at]);
        assertEquals(9, m[at + 3], "source IRQ 9");
        assertEquals(9, le(m).getInt(at + 4), "GSI 9");
        assertEquals(0x0D, le(m).getShort(at + 8), "active high, level");
    }

    @Test
    void aMisalignedPmBaseIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> PlatformDescription.i440fx(1, 1L << 30, 1L << 30, 0xB004));
        assertThrows(IllegalArgumentException.class, () -> PlatformDescription.i440fx(1, 1L << 30, 1L << 30, 0));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 64})
    void iaslDisassemblesEveryPcTableWithoutErrors(int vcpus) throws Exception {
        AcpiTables t = pc(vcpus, 3L << 30, OVMF_PM_BASE);
        for (AcpiTables.Table table : t.tables().subList(1, t.tables().size())) {
            String name = "pc-" + table.signature().trim().toLowerCase();
            Iasl.Disassembly d = Iasl.disassemble(dir, name, table.bytes());
            assertEquals(0, d.exitCode(), name + ": " + d.output());
            assertFalse(d.output().contains("Error"), name + ": " + d.output());
            assertFalse(d.dsl().contains("Error"), name + ": " + d.dsl());
            assertFalse(d.dsl().contains("Incorrect checksum"), name + ": " + d.dsl());
        }
    }

    @Test
    void iaslReadsBackTheFixedHardwareFadt() throws Exception {
        String dsl = Iasl.disassemble(dir, "pc-facp", pc(2, 1L << 30, OVMF_PM_BASE).table("FACP").bytes()).dsl();
        assertTrue(dsl.contains("Hardware Reduced (V5) : 0"), dsl);
        assertTrue(Pattern.compile("SCI Interrupt\\s*:\\s*0009").matcher(dsl).find(), dsl);
        assertTrue(Pattern.compile("PM1A Event Block Address\\s*:\\s*0000B000").matcher(dsl).find(), dsl);
        assertTrue(Pattern.compile("PM1A Control Block Address\\s*:\\s*0000B004").matcher(dsl).find(), dsl);
        assertTrue(Pattern.compile("PM Timer Block Address\\s*:\\s*0000B008").matcher(dsl).find(), dsl);
        assertEquals(0xCF9, AcpiTablesTest.gasAddressAfter(dsl, "Reset Register :"));
        assertEquals(0xB000, AcpiTablesTest.gasAddressAfter(dsl, "PM1A Event Block :"));
        assertEquals(0xB004, AcpiTablesTest.gasAddressAfter(dsl, "PM1A Control Block :"));
        assertTrue(Pattern.compile("Value to cause reset\\s*:\\s*06").matcher(dsl).find(), dsl);
    }

    @Test
    void iaslRecompilesTheFadtAndFacsToTheSameBytes() throws Exception {
        AcpiTables t = pc(2, 1L << 30, OVMF_PM_BASE);
        for (String signature : new String[] {"FACP", "FACS", "APIC"}) {
            byte[] ours = t.table(signature).bytes();
            String name = "pc-rt-" + signature.toLowerCase();
            Iasl.Disassembly d = Iasl.disassemble(dir, name, ours);
            byte[] theirs = Iasl.compile(dir, name + "-again", d.dsl());
            assertEquals(ours.length, theirs.length, signature);
            // iasl writes its own creator ID/revision (28-35) and hence checksum (9) into SDT headers
            int compareFrom = signature.equals("FACS") ? 0 : SdtHeader.SIZE;
            java.util.HexFormat hex = java.util.HexFormat.of();
            assertEquals(hex.formatHex(ours, compareFrom, ours.length), hex.formatHex(theirs, compareFrom,
                    theirs.length), signature);
        }
    }

    @Test
    void iaslDecompilesThePcDsdt() throws Exception {
        String dsl = Iasl.disassemble(dir, "pc-dsdt", pc(2, 512L << 20, OVMF_PM_BASE).table("DSDT").bytes()).dsl();
        assertTrue(dsl.contains("EisaId (\"PNP0A03\")"), dsl);
        assertFalse(dsl.contains("PNP0A08"), "conventional PCI, no PCI Express host bridge: " + dsl);
        assertFalse(dsl.contains("PNP0C02"), "no ECAM to reserve: " + dsl);
        assertFalse(dsl.contains("GED0") || dsl.contains("PNP0C0C"), "the PC's power button is the fixed one: " + dsl);
        assertTrue(dsl.matches("(?s).*Name \\(\\\\_S5, Package \\(0x04\\)[^{]*\\{\\s*Zero,.*"), "SLP_TYP 0: " + dsl);
        // OVMF's i440FX aperture starts at 2 GiB for a machine with less low RAM, and the window reaches the IOAPIC
        assertTrue(dsl.matches("(?s).*0x80000000,\\s*// Range Minimum\\s*0xFEBFFFFF,\\s*// Range Maximum.*"), dsl);
    }
}
