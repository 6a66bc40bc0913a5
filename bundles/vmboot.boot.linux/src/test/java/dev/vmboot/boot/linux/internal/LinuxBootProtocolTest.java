package dev.vmboot.boot.linux.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.vmboot.api.boot.BootException;
import dev.vmboot.api.boot.BootImage;
import dev.vmboot.api.boot.BootOptions;
import dev.vmboot.api.memory.GuestMemory;
import dev.vmboot.api.memory.MemoryRegion;
import dev.vmboot.api.vm.CpuState;
import dev.vmboot.api.vm.MachineSpec;
import dev.vmboot.api.vm.Personality;
import dev.vmboot.testkit.HeapGuestMemory;
import dev.vmboot.testkit.RecordingMachine;
import dev.vmboot.testkit.TestBzImage;

class LinuxBootProtocolTest {

    private static final long GIB = 1L << 30;
    private static final long MIB = 1L << 20;
    private final LinuxBootProtocol linux = new LinuxBootProtocol();

    static RecordingMachine machine(long memory, int vcpus) {
        long low = Math.min(memory, 3 * GIB);
        List<MemoryRegion> regions = memory > low
                ? List.of(new MemoryRegion(0, low, false), new MemoryRegion(4 * GIB, memory - low, false))
                : List.of(new MemoryRegion(0, low, false));
        return new RecordingMachine(new MachineSpec("test", memory, vcpus, Personality.CLOUD_HV),
                new HeapGuestMemory(regions));
    }

    static BootImage image(byte[] b) {
        return new BootImage("bzImage", ByteBuffer.wrap(b));
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    @Test
    void zeroPageForAOneGibMachine() throws BootException {
        TestBzImage bz = new TestBzImage();
        byte[] file = bz.build();
        RecordingMachine vm = machine(GIB, 1);
        linux.load(image(file), new BootOptions("console=ttyS0", Optional.empty()), vm);
        GuestMemory m = vm.memory();
        long zp = 0x7000;
        // the setup header is copied (0x1F1 up to 0x202 + jump offset), then the loader's fields are set
        byte[] header = m.read(zp + 0x1F1, 0x26C - 0x1F1);
        byte[] expected = Arrays.copyOfRange(file, 0x1F1, 0x26C);
        expected[0x210 - 0x1F1] = (byte) 0xFF; // type_of_loader
        ByteBuffer e = ByteBuffer.wrap(expected).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        e.putShort(0x1FA - 0x1F1, (short) 0xFFFF); // vid_mode normal
        e.putInt(0x214 - 0x1F1, 0x100_0000); // code32_start = load address (pref_address)
        e.putInt(0x228 - 0x1F1, 0x20000); // cmd_line_ptr
        assertEquals(hex(expected), hex(header));
        assertEquals(0xA0000, m.readLong(zp + 0x70), "acpi_rsdp_addr (protocol 2.15)");
        assertEquals(3, m.readByte(zp + 0x1E8), "e820_entries");
        assertEquals(String.join("",
                "0000000000000000", "00000a0000000000", "01000000", // RAM [0, 640 KiB)
                "0000100000000000", "0000f03f00000000", "01000000", // RAM [1 MiB, 1 GiB)
                "000000e800000000", "0000001000000000", "02000000"), // ECAM reserved
                hex(m.read(zp + 0x2D0, 3 * 20)));
        assertEquals("console=ttyS0\0", new String(m.read(0x20000, 14), StandardCharsets.US_ASCII));
        assertEquals(0, m.readInt(zp + 0x218), "no ramdisk");
        assertArrayEquals(bz.kernel(), m.read(0x100_0000, bz.kernelBytes));
    }

    @Test
    void sixGibMachineE820HasRamAboveFourGib() throws BootException {
        RecordingMachine vm = machine(6 * GIB, 2);
        linux.load(image(new TestBzImage().build()), BootOptions.none(), vm);
        GuestMemory m = vm.memory();
        assertEquals(4, m.readByte(0x7000 + 0x1E8));
        assertEquals(String.join("",
                "0000000000000000", "00000a0000000000", "01000000",
                "0000100000000000", "0000f0bf00000000", "01000000", // RAM [1 MiB, 3 GiB)
                "000000e800000000", "0000001000000000", "02000000",
                "0000000001000000", "000000c000000000", "01000000"), // RAM [4 GiB, 7 GiB)
                hex(m.read(0x7000 + 0x2D0, 4 * 20)));
        assertEquals("RSD PTR ", new String(m.read(0xA0000, 8), StandardCharsets.US_ASCII));
    }

    @Test
    void sixtyFourBitEntryWithIdentityMappedPageTables() throws BootException {
        RecordingMachine vm = machine(GIB, 1);
        linux.load(image(new TestBzImage().build()), BootOptions.none(), vm);
        CpuState s = vm.cpuState();
        assertEquals(0x100_0200, s.rip(), "startup_64 = load address + 0x200");
        assertEquals(0x7000, s.rsi());
        assertEquals(0x8000_0001L, s.cr0());
        assertEquals(0x20, s.cr4());
        assertEquals(0x500, s.efer());
        assertEquals(0xA000, s.cr3());
        assertEquals(0x10, s.cs().selector());
        assertTrue(s.cs().l() && !s.cs().db());
        assertEquals(0x18, s.ds().selector());
        assertEquals(0x20, s.tr().selector());
        assertEquals(0x500, s.gdtBase());
        assertEquals(39, s.gdtLimit());
        assertEquals(0x530, s.idtBase(), "after the 40-byte GDT");
        assertEquals(0, s.idtLimit());
        assertEquals(Map.of(0x2FF, 0x806L), s.msrs());
        GuestMemory m = vm.memory();
        assertEquals(String.join("", "0000000000000000", "0000000000000000", "ffff0000009baf00", "ffff00000093cf00",
                "67000000008b0000"), hex(m.read(0x500, 40)));
        assertEquals(0xB003, m.readLong(0xA000));
        assertEquals(0, m.readLong(0xA008));
        for (int i = 0; i < 4; i++) {
            assertEquals(0xC003 + i * 0x1000L, m.readLong(0xB000 + 8 * i));
        }
        assertEquals(0, m.readLong(0xB020));
        assertEquals(0x83, m.readLong(0xC000), "2 MiB page at 0");
        assertEquals(0x20_0083, m.readLong(0xC008));
        assertEquals(0xFFE0_0083L, m.readLong(0xF000 + 511 * 8), "last 2 MiB page below 4 GiB");
    }

    @Test
    void thirtyTwoBitEntryWithoutXlfKernel64() throws BootException {
        TestBzImage bz = new TestBzImage();
        bz.xloadflags = 0;
        RecordingMachine vm = machine(GIB, 1);
        linux.load(image(bz.build()), BootOptions.none(), vm);
        CpuState s = vm.cpuState();
        assertEquals(0x100_0000, s.rip());
        assertEquals(0x7000, s.rsi());
        assertEquals(1, s.cr0());
        assertEquals(0, s.efer());
        assertEquals(0x10, s.cs().selector());
        assertTrue(s.cs().db() && !s.cs().l());
        assertEquals("ffff0000009bcf00", hex(vm.memory().read(0x510, 8)));
    }

    @Test
    void nonRelocatableKernelsLoadAtOneMib() throws BootException {
        TestBzImage bz = new TestBzImage();
        bz.relocatable = false;
        RecordingMachine vm = machine(GIB, 1);
        linux.load(image(bz.build()), BootOptions.none(), vm);
        assertEquals(0x10_0200, vm.cpuState().rip());
        assertArrayEquals(bz.kernel(), vm.memory().read(0x10_0000, bz.kernelBytes));
        assertEquals(0x10_0000, vm.memory().readInt(0x7000 + 0x214));
    }

    @Test
    void misalignedPrefAddressIsIgnored() throws BootException {
        TestBzImage bz = new TestBzImage();
        bz.prefAddress = 0x100_1000;
        RecordingMachine vm = machine(GIB, 1);
        linux.load(image(bz.build()), BootOptions.none(), vm);
        assertEquals(0x10_0200, vm.cpuState().rip());
    }

    @Test
    void initrdGoesHighButBelowInitrdAddrMax() throws BootException {
        TestBzImage bz = new TestBzImage();
        bz.initrdAddrMax = 0x37FF_FFFFL;
        byte[] initrd = new byte[5000];
        initrd[4999] = 9;
        RecordingMachine vm = machine(2 * GIB, 1);
        linux.load(image(bz.build()), new BootOptions("", Optional.of(new BootImage("initrd",
                ByteBuffer.wrap(initrd)))), vm);
        long at = Integer.toUnsignedLong(vm.memory().readInt(0x7000 + 0x218));
        assertEquals((0x3800_0000L - 5000) & -4096, at);
        assertEquals(5000, vm.memory().readInt(0x7000 + 0x21C));
        assertArrayEquals(initrd, vm.memory().read(at, 5000));
    }

    @Test
    void initrdThatDoesNotFitIsRefused() {
        RecordingMachine vm = machine(64 * MIB, 1);
        BootOptions options = new BootOptions("", Optional.of(new BootImage("big", ByteBuffer.allocate(
                (int) (60 * MIB)))));
        BootException e = assertThrows(BootException.class, () -> linux.load(image(new TestBzImage().build()),
                options, vm));
        assertTrue(e.getMessage().contains("does not fit"), e.getMessage());
    }

    @Test
    void commandLineIsBoundedByCmdlineSize() throws BootException {
        TestBzImage bz = new TestBzImage();
        bz.cmdlineSize = 16;
        RecordingMachine vm = machine(GIB, 1);
        linux.load(image(bz.build()), new BootOptions("x".repeat(16), Optional.empty()), vm);
        BootException e = assertThrows(BootException.class, () -> linux.load(image(bz.build()),
                new BootOptions("x".repeat(17), Optional.empty()), vm));
        assertTrue(e.getMessage().contains("cmdline_size"), e.getMessage());
        assertThrows(BootException.class, () -> linux.load(image(bz.build()), new BootOptions("a\0", Optional.empty()),
                vm));
    }

    @Test
    void oldProtocolsDoNotGetAcpiRsdpAddr() throws BootException {
        TestBzImage bz = new TestBzImage();
        bz.version = 0x020D;
        RecordingMachine vm = machine(GIB, 1);
        linux.load(image(bz.build()), BootOptions.none(), vm);
        assertEquals(0, vm.memory().readLong(0x7000 + 0x70));
        assertEquals(0xA000, vm.memory().readShort(0x40E) & 0xFFFF, "EBDA pointer for the legacy RSDP scan");
    }

    @Test
    void kernelOutsideRamIsRefused() {
        TestBzImage bz = new TestBzImage();
        bz.initSize = 0x7000_0000L;
        RecordingMachine vm = machine(GIB, 1);
        BootException e = assertThrows(BootException.class, () -> linux.load(image(bz.build()), BootOptions.none(),
                vm));
        assertTrue(e.getMessage().contains("in guest RAM"), e.getMessage());
    }

    @Test
    void probeAndMachineFor() throws BootException {
        byte[] file = new TestBzImage().build();
        assertEquals(LinuxBootProtocol.BZIMAGE_SCORE, linux.probe(image(file)));
        assertEquals(0, linux.probe(image(new byte[100])));
        assertEquals(0, linux.probe(image(new byte[] {0x7F, 'E', 'L', 'F'})));
        assertEquals("linux", linux.name());
        MachineSpec spec = linux.machineFor(image(file), new MachineSpec("m", 32 * MIB, 1, Personality.I440FX));
        assertEquals(Personality.CLOUD_HV, spec.personality());
        assertEquals(128 * MIB, spec.memoryBytes());
        TestBzImage big = new TestBzImage();
        big.initSize = 0x600_0000; // 96 MiB from 16 MiB
        assertEquals(16 * MIB + 96 * MIB + 64 * MIB,
                linux.machineFor(image(big.build()), new MachineSpec("m", 32 * MIB, 1, Personality.CLOUD_HV))
                        .memoryBytes());
    }
}
