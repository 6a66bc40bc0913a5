package dev.vmboot.acpi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.vmboot.api.boot.BootException;
import dev.vmboot.testkit.HeapGuestMemory;

class AcpiTablesTest {

    private static final long BASE = 0xA0000;
    private static final SdtHeader OEM = SdtHeader.VMBOOT;

    @TempDir
    Path dir;

    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static AcpiTables tables(int vcpus, long ramEnd) {
        return AcpiTables.build(OEM, PlatformDescription.cloudHypervisor(vcpus, ramEnd), BASE, 0xF0000);
    }

    @Test
    void everyTableSumsToZeroAndStatesItsLength() {
        AcpiTables t = tables(4, 1L << 30);
        for (AcpiTables.Table table : t.tables()) {
            byte[] b = table.bytes();
            if (table.signature().equals("RSD PTR ")) {
                continue;
            }
            assertEquals(table.signature(), new String(b, 0, 4, java.nio.charset.StandardCharsets.US_ASCII));
            assertEquals(b.length, le(b).getInt(SdtHeader.LENGTH_OFFSET), table.signature());
            assertEquals(0, SdtHeader.sum(b, 0, b.length), table.signature() + " checksum");
            assertEquals(0, table.address() % 16, table.signature() + " alignment");
        }
    }

    @Test
    void rsdpHasBothChecksumsAndPointsAtTheXsdt() {
        AcpiTables t = tables(1, 1L << 30);
        byte[] r = t.table("RSD PTR ").bytes();
        assertEquals(36, r.length);
        assertEquals("RSD PTR ", new String(r, 0, 8, java.nio.charset.StandardCharsets.US_ASCII));
        // ACPI 6.5 5.2.5.3: checksum over the first 20 bytes, extended checksum over all of it
        assertEquals(0, SdtHeader.sum(r, 0, 20));
        assertEquals(0, SdtHeader.sum(r, 0, 36));
        assertEquals(2, r[Rsdp.REVISION_OFFSET]);
        assertEquals(36, le(r).getInt(20));
        assertEquals(0, le(r).getInt(16), "no RSDT");
        assertEquals(t.table("XSDT").address(), le(r).getLong(Rsdp.XSDT_ADDRESS_OFFSET));
        assertEquals("VMBOOT", new String(r, 9, 6, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(BASE, t.rsdpAddress());
    }

    @Test
    void xsdtListsFadtMadtMcfg() {
        AcpiTables t = tables(2, 1L << 30);
        ByteBuffer x = le(t.table("XSDT").bytes());
        assertEquals(36 + 3 * 8, x.capacity());
        assertEquals(t.table("FACP").address(), x.getLong(36));
        assertEquals(t.table("APIC").address(), x.getLong(44));
        assertEquals(t.table("MCFG").address(), x.getLong(52));
    }

    @Test
    void fadtFieldsAtTheirSpecOffsets() {
        AcpiTables t = tables(2, 1L << 30);
        byte[] f = t.table("FACP").bytes();
        ByteBuffer b = le(f);
        assertEquals(276, f.length); // Table 5.9: revision 6 FADT
        assertEquals(6, f[8]);
        assertEquals(5, f[Fadt.MINOR_VERSION_OFFSET]);
        assertEquals(Fadt.HW_REDUCED_ACPI | Fadt.RESET_REG_SUP | Fadt.TMR_VAL_EXT, b.getInt(Fadt.FLAGS_OFFSET));
        assertEquals(0x100500, b.getInt(Fadt.FLAGS_OFFSET));
        long dsdt = t.table("DSDT").address();
        assertEquals(dsdt, b.getInt(Fadt.DSDT_OFFSET));
        assertEquals(dsdt, b.getLong(Fadt.X_DSDT_OFFSET));
        // X_PM_TMR_BLK (offset 208): System I/O, 32 bits, offset 0, dword access, 0x608
        assertGas(b, Fadt.X_PM_TMR_BLK_OFFSET, 1, 32, 3, 0x608);
        assertEquals(0x608, b.getInt(Fadt.PM_TMR_BLK_OFFSET));
        assertEquals(4, f[Fadt.PM_TMR_LEN_OFFSET]);
        assertGas(b, Fadt.RESET_REG_OFFSET, 1, 8, 1, 0x600);
        assertEquals(1, f[Fadt.RESET_VALUE_OFFSET]);
        assertGas(b, Fadt.SLEEP_CONTROL_REG_OFFSET, 1, 8, 1, 0x600);
        assertGas(b, Fadt.SLEEP_STATUS_REG_OFFSET, 1, 8, 1, 0x600);
        assertEquals("VMBOOT  ", new String(f, 268, 8, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(0, b.getInt(36), "no FACS");
        assertEquals(0, b.getShort(46), "no SCI");
    }

    private static void assertGas(ByteBuffer b, int at, int space, int width, int access, long address) {
        assertEquals(space, b.get(at));
        assertEquals(width, b.get(at + 1) & 0xFF);
        assertEquals(0, b.get(at + 2));
        assertEquals(access, b.get(at + 3));
        assertEquals(address, b.getLong(at + 4));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 255})
    void madtHasOneEnabledLocalApicPerVcpuAndTheIoApic(int vcpus) {
        byte[] m = tables(vcpus, 1L << 30).table("APIC").bytes();
        ByteBuffer b = le(m);
        assertEquals(0xFEE0_0000, b.getInt(36));
        assertEquals(Madt.PCAT_COMPAT, b.getInt(40));
        int at = 44;
        for (int cpu = 0; cpu < vcpus; cpu++) {
            assertEquals(0, m[at], "type Processor Local APIC");
            assertEquals(8, m[at + 1]);
            assertEquals(cpu, m[at + 2] & 0xFF, "processor UID");
            assertEquals(cpu, m[at + 3] & 0xFF, "APIC ID");
            assertEquals(1, b.getInt(at + 4), "enabled");
            at += 8;
        }
        assertEquals(1, m[at]);
        assertEquals(12, m[at + 1]);
        assertEquals(0, m[at + 2], "IOAPIC ID");
        assertEquals(0xFEC0_0000, b.getInt(at + 4));
        assertEquals(0, b.getInt(at + 8), "GSI base");
        at += 12;
        assertEquals(4, m[at], "Local APIC NMI");
        assertEquals(0xFF, m[at + 2] & 0xFF);
        assertEquals(1, m[at + 5], "LINT1");
        assertEquals(m.length, at + 6);
    }

    @Test
    void madtWritesInterruptSourceOverrides() {
        PlatformDescription c = PlatformDescription.cloudHypervisor(1, 1L << 30);
        PlatformDescription p = new PlatformDescription(1, c.localApicAddress(), 0, c.ioApicAddress(), false,
                java.util.List.of(new PlatformDescription.InterruptOverride(0, 2, 0)), c.ecamBase(), c.ecamEndBus(),
                c.power(), c.serialPort(), c.serialIrq(), c.mmio32Base(),
                c.mmio32Limit(), 0, 0, 16);
        byte[] m = Madt.build(OEM, p);
        ByteBuffer b = le(m);
        assertEquals(0, b.getInt(40));
        int at = 44 + 8 + 12;
        assertEquals(2, m[at]);
        assertEquals(10, m[at + 1]);
        assertEquals(0, m[at + 2], "bus ISA");
        assertEquals(0, m[at + 3], "source IRQ 0");
        assertEquals(2, b.getInt(at + 4), "GSI 2");
        assertEquals(0, SdtHeader.sum(m, 0, m.length));
    }

    @Test
    void mcfgCoversTheEcamWindow() {
        byte[] m = tables(1, 1L << 30).table("MCFG").bytes();
        ByteBuffer b = le(m);
        assertEquals(60, m.length);
        assertEquals(0xE800_0000L, b.getLong(44));
        assertEquals(0, b.getShort(52), "segment");
        assertEquals(0, m[54], "start bus");
        assertEquals(0, m[55] & 0xFF, "end bus: the root bus only, else Linux probes 255 empty buses");
    }

    @Test
    void tablesAreWrittenToGuestMemoryAtTheirAddresses() {
        AcpiTables t = tables(2, 1L << 30);
        HeapGuestMemory mem = new HeapGuestMemory(1 << 20);
        t.writeTo(mem);
        for (AcpiTables.Table table : t.tables()) {
            assertTrue(java.util.Arrays.equals(table.bytes(), mem.read(table.address(), table.bytes().length)));
        }
        assertTrue(t.end() < 0xF0000);
    }

    @Test
    void installWritesTheTablesAndPointsTheEbdaAtTheRsdp() throws Exception {
        HeapGuestMemory mem = new HeapGuestMemory(1 << 20);
        PlatformDescription p = PlatformDescription.cloudHypervisor(2, 1L << 30);
        AcpiTables t = AcpiTables.install(mem, p, BASE, 0xF0000);
        assertEquals(BASE, t.rsdpAddress());
        AcpiTables built = AcpiTables.build(SdtHeader.VMBOOT, p, BASE, 0xF0000);
        assertEquals(built.tables().size(), t.tables().size());
        for (AcpiTables.Table table : built.tables()) {
            assertTrue(java.util.Arrays.equals(table.bytes(), mem.read(table.address(), table.bytes().length)),
                    table.signature());
        }
        assertEquals(BASE >> 4, mem.readShort(AcpiTables.EBDA_POINTER) & 0xFFFF);
    }

    @Test
    void installRefusesTablesThatDoNotFitOrLieAbove1MiB() {
        HeapGuestMemory mem = new HeapGuestMemory(4 << 20);
        PlatformDescription p = PlatformDescription.cloudHypervisor(255, 1L << 30);
        org.junit.jupiter.api.Assertions.assertThrows(BootException.class,
                () -> AcpiTables.install(mem, p, BASE, BASE + 0x400));
        org.junit.jupiter.api.Assertions.assertThrows(BootException.class,
                () -> AcpiTables.install(mem, p, 1L << 20, 2L << 20));
        assertEquals(0, mem.readShort(AcpiTables.EBDA_POINTER), "nothing written");
    }

    @Test
    void tablesThatDoNotFitAreRefused() {
        PlatformDescription p = PlatformDescription.cloudHypervisor(255, 1L << 30);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> AcpiTables.build(OEM, p, BASE, BASE + 0x400));
    }

    @Test
    void the64BitWindowStartsAboveRamAndCanBeLeftOut() {
        assertEquals(4L << 30, PlatformDescription.cloudHypervisor(1, 1L << 30).mmio64Base());
        assertEquals(8L << 30, PlatformDescription.cloudHypervisor(1, (7L << 30) + 5).mmio64Base());
        assertEquals(0, PlatformDescription.cloudHypervisor(1, 480L << 30).mmio64Size());
    }

    // ---- iasl -d: ACPICA's disassembler parses every table ----

    @ParameterizedTest
    @ValueSource(ints = {1, 4, 255})
    void iaslDisassemblesEveryTableWithoutErrors(int vcpus) throws Exception {
        AcpiTables t = tables(vcpus, 6L << 30);
        for (AcpiTables.Table table : t.tables().subList(1, t.tables().size())) { // RSDP: iaslBuildsTheSameRsdp
            String name = table.signature().trim().replace(' ', '_').toLowerCase();
            Iasl.Disassembly d = Iasl.disassemble(dir, name, table.bytes());
            assertEquals(0, d.exitCode(), name + ": " + d.output());
            assertFalse(d.output().contains("Error"), name + ": " + d.output());
            assertFalse(d.dsl().contains("Error"), name + ": " + d.dsl());
            assertFalse(d.dsl().isEmpty(), name);
            assertFalse(d.dsl().contains("Incorrect checksum"), name + ": " + d.dsl());
        }
    }

    @Test
    void iaslReadsBackFadtValues() throws Exception {
        AcpiTables t = tables(2, 1L << 30);
        String dsl = Iasl.disassemble(dir, "facp", t.table("FACP").bytes()).dsl();
        // iasl's FADT template: "PM Timer Block Address : 00000608" and the extended GAS
        assertTrue(Pattern.compile("PM Timer Block Address\\s*:\\s*00000608").matcher(dsl).find(), dsl);
        assertTrue(dsl.contains("Hardware Reduced (V5) : 1"), dsl);
        assertTrue(dsl.contains("Reset Register Supported (V2) : 1"), dsl);
        assertTrue(dsl.contains("32-bit PM Timer (V1) : 1"), dsl);
        assertEquals(0x608, gasAddressAfter(dsl, "PM Timer Block :"));
        assertEquals(0x600, gasAddressAfter(dsl, "Reset Register :"));
        assertEquals(0x600, gasAddressAfter(dsl, "Sleep Control Register :"));
        assertTrue(Pattern.compile("Value to cause reset\\s*:\\s*01").matcher(dsl).find(), dsl);
        // the 8 bytes "VMBOOT  " printed as a little-endian 64-bit number
        assertTrue(dsl.contains("Hypervisor ID : 2020544F4F424D56"), dsl);
        assertTrue(dsl.contains("DSDT Address : 00000000000A0030"), dsl);
    }

    /** The Address of the Generic Address Structure iasl prints after {@code label}. */
    static long gasAddressAfter(String dsl, String label) {
        Matcher m = Pattern.compile(Pattern.quote(label) + "[^\\[]*\\[Generic Address Structure\\][\\s\\S]*?Address\\s*:\\s*([0-9A-F]+)")
                .matcher(dsl);
        assertTrue(m.find(), label + " in " + dsl);
        return Long.parseLong(m.group(1), 16);
    }

    @Test
    void iaslReadsBackMadtAndMcfg() throws Exception {
        AcpiTables t = tables(3, 1L << 30);
        String madt = Iasl.disassemble(dir, "apic", t.table("APIC").bytes()).dsl();
        assertEquals(3, count(madt, "Subtable Type : 00 [Processor Local APIC]"), madt);
        assertTrue(madt.contains("Local Apic Address : FEE00000"), madt);
        assertTrue(madt.contains("Address : FEC00000"), madt);
        String mcfg = Iasl.disassemble(dir, "mcfg", t.table("MCFG").bytes()).dsl();
        assertTrue(mcfg.contains("Base Address : 00000000E8000000"), mcfg);
        assertTrue(mcfg.contains("End Bus Number : 00"), mcfg);
    }

    @Test
    void iaslDecompilesTheDsdt() throws Exception {
        AcpiTables t = tables(2, 7L << 30); // a 6 GiB machine: RAM up to 7 GiB, 64-bit window from there
        String dsl = Iasl.disassemble(dir, "dsdt", t.table("DSDT").bytes()).dsl();
        assertTrue(dsl.contains("Device (PCI0)"), dsl);
        assertTrue(dsl.contains("EisaId (\"PNP0A08\")"), dsl);
        assertTrue(dsl.contains("EisaId (\"PNP0A03\")"), dsl);
        assertTrue(dsl.contains("EisaId (\"PNP0501\")"), dsl);
        assertTrue(dsl.contains("EisaId (\"PNP0C02\")"), dsl);
        assertTrue(dsl.contains("Device (COM1)"), dsl);
        assertTrue(dsl.contains("IRQNoFlags ()\n                    {4}") || dsl.matches("(?s).*IRQNoFlags \\(\\)\\s*\\{4\\}.*"),
                dsl);
        assertTrue(dsl.matches("(?s).*IO \\(Decode16,\\s*0x03F8,\\s*// Range Minimum.*"), dsl);
        assertTrue(dsl.matches("(?s).*0xC0000000,\\s*// Range Minimum\\s*0xE7FFFFFF,\\s*// Range Maximum.*"), dsl);
        assertTrue(dsl.matches("(?s).*0x0D00,\\s*// Range Minimum\\s*0xFFFF,\\s*// Range Maximum.*"), dsl);
        assertTrue(dsl.matches("(?s).*0x00000001C0000000,\\s*// Range Minimum\\s*0x00000011BFFFFFFF.*"), dsl); // 7 GiB + 64 GiB
        assertTrue(dsl.contains("Name (\\_S5, Package (0x04)"), dsl);
        assertTrue(dsl.contains("Device (C001)"), dsl);
        assertTrue(dsl.contains("Name (_PRT, Package (0x80)"), dsl); // 32 slots x INTA-D
        assertEquals(31, countRegex(dsl, "0x00[0-9A-F]{2}FFFF, \\s*Zero, \\s*Zero,"), dsl);
        assertTrue(dsl.matches("(?s).*0x001FFFFF, \\s*0x03, \\s*Zero, \\s*0x12\\s*}.*"), dsl); // slot 31 INTD: 16 + 34 % 4
    }

    @Test
    void iaslDecompilesTheGenericEventDeviceAndItsPowerButton() throws Exception {
        String dsl = Iasl.disassemble(dir, "dsdt", tables(1, 1L << 30).table("DSDT").bytes()).dsl();
        String ged = dsl.substring(dsl.indexOf("Device (GED0)"), dsl.indexOf("Device (C000)"));
        assertTrue(ged.contains("Name (_HID, \"ACPI0013\" /* Generic Event Device */)"), ged);
        assertTrue(ged.matches("(?s).*Interrupt \\(ResourceConsumer, Edge, ActiveHigh, Exclusive, ,, \\)\\s*\\{\\s*"
                + "0x00000005,\\s*}.*"), ged);
        assertTrue(ged.contains("OperationRegion (GDST, SystemMemory, 0xFEB00000, One)"), ged);
        assertTrue(ged.matches("(?s).*Field \\(GDST, ByteAcc, NoLock, WriteAsZeros\\)\\s*\\{\\s*GDAT,\\s+8\\s*}.*"), ged);
        assertTrue(ged.contains("Method (_EVT, 1, Serialized)"), ged);
        assertTrue(ged.matches("(?s).*Local0 = GDAT [^\n]*\\s*If \\(\\(Local0 & 0x08\\)\\)\\s*\\{\\s*"
                + "Notify \\(\\\\_SB\\.PWRB, 0x80\\).*"), ged);
        assertTrue(ged.matches("(?s).*Device \\(PWRB\\)\\s*\\{\\s*Name \\(_HID, EisaId \\(\"PNP0C0C\"\\).*"), ged);
    }

    private static int count(String s, String needle) {
        int n = 0;
        for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    private static int countRegex(String s, String regex) {
        Matcher m = Pattern.compile(regex).matcher(s);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    @ParameterizedTest
    @ValueSource(strings = {"FACP", "APIC", "MCFG", "XSDT"})
    void iaslRecompilesTheDisassemblyToTheSameBytes(String signature) throws Exception {
        // iasl's data-table compiler recomputes length and checksum itself: identical bytes mean every field we
        // wrote is where ACPICA's table definitions expect it.
        byte[] ours = tables(3, 1L << 30).table(signature).bytes();
        String name = signature.toLowerCase();
        Iasl.Disassembly d = Iasl.disassemble(dir, name, ours);
        byte[] theirs = Iasl.compile(dir, name + "-again", d.dsl());
        assertEquals(ours.length, theirs.length);
        assertEquals(0, SdtHeader.sum(theirs, 0, theirs.length));
        // iasl puts its own creator ID and revision (offsets 28-35) and so its own checksum (9) into the header
        java.util.HexFormat hex = java.util.HexFormat.of();
        assertEquals(hex.formatHex(ours, 0, 9), hex.formatHex(theirs, 0, 9));
        assertEquals(hex.formatHex(ours, 10, 28), hex.formatHex(theirs, 10, 28));
        assertEquals(hex.formatHex(ours, 36, ours.length), hex.formatHex(theirs, 36, theirs.length));
    }

    @Test
    void iaslBuildsTheSameRsdp() throws Exception {
        // iasl -d cannot load a bare RSDP file (its loader wants a table header), but its data-table compiler knows
        // the RSDP layout and fills in both checksums.
        byte[] ours = Rsdp.build(OEM, 0xA0980);
        String source = String.join("\n",
                "[0008] Signature : \"RSD PTR \"",
                "[0001] Checksum : 00",
                "[0006] Oem ID : \"VMBOOT\"",
                "[0001] Revision : 02",
                "[0004] RSDT Address : 00000000",
                "[0004] Length : 00000024",
                "[0008] XSDT Address : 00000000000A0980",
                "[0001] Extended Checksum : 00",
                "[0003] Reserved : 000000", "");
        assertEquals(java.util.HexFormat.of().formatHex(Iasl.compile(dir, "rsdp", source)),
                java.util.HexFormat.of().formatHex(ours));
    }
}
