package dev.vmboot.boot.firmware.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.vmboot.acpi.PlatformDescription;
import dev.vmboot.api.boot.BootImage;
import dev.vmboot.api.boot.BootOptions;
import dev.vmboot.api.vm.MachineSpec;
import dev.vmboot.api.vm.Personality;
import dev.vmboot.testkit.HeapGuestMemory;
import dev.vmboot.testkit.RecordingMachine;

/**
 * Runs the table-loader script the way firmware does (allocate each blob, add blob addresses to pointer fields, compute
 * checksums) into guest memory, then follows the tables from the RSDP as an OS would.
 */
class AcpiLoaderFilesTest {

    private static final long RSDP_AT = 0xE0000;
    private static final long TABLES_AT = 0x40000;

    /** The loader as OVMF's QemuFwCfgAcpi.c processes it; returns the tables an ADD_POINTER points at. */
    private static List<Long> runLoader(AcpiLoaderFiles files, HeapGuestMemory memory) {
        Map<String, byte[]> blobs = Map.of(AcpiLoaderFiles.TABLES, files.tables(), AcpiLoaderFiles.RSDP,
                files.rsdp());
        Map<String, Long> placed = new HashMap<>();
        List<Long> pointees = new ArrayList<>();
        ByteBuffer script = ByteBuffer.wrap(files.loader()).order(ByteOrder.LITTLE_ENDIAN);
        for (int at = 0; at < files.loader().length; at += TableLoader.ENTRY_SIZE) {
            int command = script.getInt(at);
            String file = name(script, at + 4);
            switch (command) {
                case TableLoader.COMMAND_ALLOCATE -> {
                    int alignment = script.getInt(at + 4 + 56);
                    long base = file.equals(AcpiLoaderFiles.RSDP) ? RSDP_AT : TABLES_AT;
                    assertEquals(0, base % alignment, file);
                    memory.write(base, blobs.get(file));
                    placed.put(file, base);
                }
                case TableLoader.COMMAND_ADD_POINTER -> {
                    String source = name(script, at + 4 + 56);
                    long field = placed.get(file) + script.getInt(at + 4 + 112);
                    int size = script.get(at + 4 + 116);
                    long value = size == 8 ? memory.readLong(field) : memory.readInt(field) & 0xFFFF_FFFFL;
                    assertTrue(value < blobs.get(source).length, "pointer inside its source blob");
                    long target = value + placed.get(source);
                    if (size == 8) {
                        memory.writeLong(field, target);
                    } else {
                        memory.writeInt(field, (int) target);
                    }
                    pointees.add(target);
                }
                case TableLoader.COMMAND_ADD_CHECKSUM -> {
                    long base = placed.get(file);
                    int result = script.getInt(at + 4 + 56);
                    int start = script.getInt(at + 4 + 60);
                    int length = script.getInt(at + 4 + 64);
                    int sum = 0;
                    for (int i = 0; i < length; i++) {
                        sum += memory.readByte(base + start + i);
                    }
                    memory.writeByte(base + result, (byte) -sum); // assigned, including the byte itself: it must be 0
                }
                default -> throw new AssertionError("unknown loader command " + command);
            }
        }
        return pointees;
    }

    private static String name(ByteBuffer script, int at) {
        byte[] b = new byte[56];
        script.get(at, b);
        int end = 0;
        while (end < b.length && b[end] != 0) {
            end++;
        }
        return new String(b, 0, end, StandardCharsets.US_ASCII);
    }

    private static String signature(HeapGuestMemory m, long at) {
        byte[] b = m.read(at, 4);
        return new String(b, StandardCharsets.US_ASCII);
    }

    private static void assertTableSumsToZero(HeapGuestMemory m, long at) {
        int length = m.readInt(at + 4);
        int sum = 0;
        for (int i = 0; i < length; i++) {
            sum += m.readByte(at + i);
        }
        assertEquals(0, sum & 0xFF, signature(m, at) + " checksum");
    }

    @Test
    void theLoadedTablesLinkUpFromTheRsdp() {
        HeapGuestMemory m = new HeapGuestMemory(1 << 20);
        AcpiLoaderFiles files = AcpiLoaderFiles.build(PlatformDescription.i440fx(2, 512L << 20, 512L << 20, 0xB000));
        List<Long> pointees = runLoader(files, m);

        int sum = 0;
        for (int i = 0; i < 20; i++) {
            sum += m.readByte(RSDP_AT + i);
        }
        assertEquals(0, sum & 0xFF, "RSDP checksum");
        for (int i = 20; i < 36; i++) {
            sum += m.readByte(RSDP_AT + i);
        }
        assertEquals(0, sum & 0xFF, "RSDP extended checksum");
        long xsdt = m.readLong(RSDP_AT + 24);
        assertEquals("XSDT", signature(m, xsdt));
        assertTableSumsToZero(m, xsdt);
        long facp = m.readLong(xsdt + 36);
        long apic = m.readLong(xsdt + 44);
        assertEquals(36 + 16, m.readInt(xsdt + 4));
        assertEquals("FACP", signature(m, facp));
        assertEquals("APIC", signature(m, apic));
        assertTableSumsToZero(m, facp);
        assertTableSumsToZero(m, apic);
        long dsdt = m.readInt(facp + 40) & 0xFFFF_FFFFL;
        assertEquals(dsdt, m.readLong(facp + 140), "DSDT and X_DSDT agree");
        assertEquals("DSDT", signature(m, dsdt));
        assertTableSumsToZero(m, dsdt);
        long facs = m.readInt(facp + 36) & 0xFFFF_FFFFL;
        assertEquals("FACS", signature(m, facs));
        assertEquals(0, facs % 64, "FACS alignment");
        assertEquals(0xB000, m.readInt(facp + 56), "PM1a event block");

        // what OVMF installs: every table an ADD_POINTER reaches, but the XSDT (its protocol makes its own)
        List<String> installed = pointees.stream().distinct().map(at -> signature(m, at))
                .filter(s -> !s.equals("XSDT")).sorted().toList();
        assertEquals(List.of("APIC", "DSDT", "FACP", "FACS"), installed);
    }

    @Test
    void tablesAreMadeWhenFirstReadWithThePmBaseTheFirmwareProgrammed() throws Exception {
        byte[] flash = new byte[1 << 20];
        ByteBuffer.wrap(flash).order(ByteOrder.LITTLE_ENDIAN).putInt(40, FlashImage.FVH_SIGNATURE);
        MachineSpec spec = new MachineSpec("t", 256L << 20, 1, Personality.I440FX);
        RecordingMachine vm = new RecordingMachine(spec, new HeapGuestMemory(1 << 20));
        new FirmwareBootProtocol().load(new BootImage("flash", ByteBuffer.wrap(flash)), BootOptions.none(), vm);
        FwCfgDevice fwcfg = (FwCfgDevice) vm.ports().get(0).device();

        // like SeaBIOS, put the PM block at 0x600 and enable it, after the machine was set up
        vm.setPciConfig(1, 3, 0x40, 0x601);
        vm.setPciConfig(1, 3, 0x80, 0x01);
        byte[] tables = readFile(fwcfg, AcpiLoaderFiles.TABLES);
        AcpiLoaderFiles expected = AcpiLoaderFiles.build(PlatformDescription.i440fx(1, 1 << 20, 1 << 20, 0x600));
        assertEquals(java.util.HexFormat.of().formatHex(expected.tables()),
                java.util.HexFormat.of().formatHex(tables));
        // a later change of PMBA does not change tables the firmware has already read
        vm.setPciConfig(1, 3, 0x40, 0xB001);
        assertEquals(java.util.HexFormat.of().formatHex(tables),
                java.util.HexFormat.of().formatHex(readFile(fwcfg, AcpiLoaderFiles.TABLES)));
    }

    /** Finds {@code name} in the fw_cfg directory and reads it through the data port. */
    private static byte[] readFile(FwCfgDevice fwcfg, String name) {
        fwcfg.write(0, 2, FwCfgItems.FILE_DIR);
        int count = Integer.reverseBytes(fwcfg.read(1, 4));
        for (int i = 0; i < count; i++) {
            int size = Integer.reverseBytes(fwcfg.read(1, 4));
            int selector = Short.toUnsignedInt(Short.reverseBytes((short) fwcfg.read(1, 2)));
            fwcfg.read(1, 2);
            byte[] n = new byte[56];
            for (int j = 0; j < 56; j++) {
                n[j] = (byte) fwcfg.read(1, 1);
            }
            if (new String(n, StandardCharsets.US_ASCII).startsWith(name + "\0")) {
                fwcfg.write(0, 2, selector);
                byte[] contents = new byte[size];
                for (int j = 0; j < size; j++) {
                    contents[j] = (byte) fwcfg.read(1, 1);
                }
                return contents;
            }
        }
        throw new AssertionError(name + " is not in the fw_cfg directory");
    }
}
