package dev.vmboot.boot.pvh.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.vmboot.api.boot.BootException;
import dev.vmboot.api.boot.BootImage;
import dev.vmboot.api.boot.BootOptions;
import dev.vmboot.api.memory.MemoryRegion;
import dev.vmboot.api.vm.CpuState;
import dev.vmboot.api.vm.MachineSpec;
import dev.vmboot.api.vm.Personality;
import dev.vmboot.testkit.HeapGuestMemory;
import dev.vmboot.testkit.RecordingMachine;

class PvhBootProtocolTest {

    private static final long GIB = 1L << 30;
    private static final long MIB = 1L << 20;
    private final PvhBootProtocol pvh = new PvhBootProtocol();

    /** RAM as the VMM lays it out: [0, min(mem, 3 GiB)) and the rest from 4 GiB. */
    static RecordingMachine machine(long memory, int vcpus) {
        long low = Math.min(memory, 3 * GIB);
        List<MemoryRegion> regions = memory > low
                ? List.of(new MemoryRegion(0, low, false), new MemoryRegion(4 * GIB, memory - low, false))
                : List.of(new MemoryRegion(0, low, false));
        return new RecordingMachine(new MachineSpec("test", memory, vcpus, Personality.CLOUD_HV),
                new HeapGuestMemory(regions));
    }

    static BootImage image(byte[] b) {
        return new BootImage("test.elf", ByteBuffer.wrap(b));
    }

    private static byte[] kernel() {
        return TestElf.pvh(0x100_0040)
                .segment(TestElf.Segment.of(0x100_0000, 0x3000, 0x5000))
                .segment(TestElf.Segment.of(0x200_0000, 0x1000, 0x1000))
                .build();
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    private static String hexLe(String... fields) {
        return String.join("", fields).replace(" ", "");
    }

    @Test
    void oneGibMachineGetsByteExactStartInfoMemmapAndGdt() throws BootException {
        RecordingMachine vm = machine(GIB, 1);
        pvh.load(image(kernel()), new BootOptions("console=ttyS0", Optional.empty()), vm);
        var mem = vm.memory();
        // start_info.h: magic, version 1, flags 0, nr_modules 0, modlist 0, cmdline 0x20000, rsdp 0xA0000,
        // memmap 0x7000, 3 entries, reserved
        assertEquals(hexLe("78c56e33", "01000000", "00000000", "00000000", "0000000000000000", "0000020000000000",
                "00000a0000000000", "0070000000000000", "03000000", "00000000"), hex(mem.read(0x6000, 56)));
        assertEquals(hexLe(
                "0000000000000000 00000a0000000000 01000000 00000000", // RAM [0, 640 KiB)
                "0000100000000000 0000f03f00000000 01000000 00000000", // RAM [1 MiB, 1 GiB)
                "000000e800000000 0000001000000000 02000000 00000000"), // ECAM reserved
                hex(mem.read(0x7000, 3 * 24)));
        assertEquals(hexLe("0000000000000000", "ffff0000009bcf00", "ffff00000093cf00", "67000000008b0000"),
                hex(mem.read(0x500, 32)));
        assertEquals("console=ttyS0\0", new String(mem.read(0x20000, 14), StandardCharsets.US_ASCII));
        assertEquals(0xA000, mem.readShort(0x40E) & 0xFFFF, "EBDA pointer -> RSDP");
    }

    @Test
    void sixGibMachineGetsRamAboveFourGib() throws BootException {
        RecordingMachine vm = machine(6 * GIB, 4);
        pvh.load(image(kernel()), BootOptions.none(), vm);
        var mem = vm.memory();
        assertEquals(hexLe("78c56e33", "01000000", "00000000", "00000000", "0000000000000000", "0000020000000000",
                "00000a0000000000", "0070000000000000", "04000000", "00000000"), hex(mem.read(0x6000, 56)));
        assertEquals(hexLe(
                "0000000000000000 00000a0000000000 01000000 00000000",
                "0000100000000000 0000f0bf00000000 01000000 00000000", // RAM [1 MiB, 3 GiB)
                "000000e800000000 0000001000000000 02000000 00000000",
                "0000000001000000 000000c000000000 01000000 00000000"), // RAM [4 GiB, 7 GiB)
                hex(mem.read(0x7000, 4 * 24)));
        assertEquals(0, mem.readByte(0x20000), "empty command line");
        // the ACPI tables describe 4 CPUs and the 64-bit window above RAM
        byte[] rsdp = mem.read(0xA0000, 36);
        assertEquals("RSD PTR ", new String(rsdp, 0, 8, StandardCharsets.US_ASCII));
        long xsdt = ByteBuffer.wrap(rsdp).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(24);
        assertTrue(xsdt > 0xA0000 && xsdt < 0xF0000);
        long madt = mem.readLong(xsdt + 36 + 8);
        assertEquals("APIC", new String(mem.read(madt, 4), StandardCharsets.US_ASCII));
        assertEquals(44 + 4 * 8 + 12 + 6, mem.readInt(madt + 4));
    }

    @Test
    void segmentsLoadAtTheirPhysicalAddressesWithBssZeroed() throws BootException {
        RecordingMachine vm = machine(GIB, 1);
        vm.memory().write(0x100_3000, new byte[] {1, 2, 3}); // garbage where the bss goes
        TestElf.Segment text = TestElf.Segment.of(0x100_0000, 0x3000, 0x5000);
        pvh.load(image(kernel()), BootOptions.none(), vm);
        assertArrayEquals(text.data(), vm.memory().read(0x100_0000, 0x3000));
        assertArrayEquals(new byte[0x2000], vm.memory().read(0x100_3000, 0x2000));
        assertArrayEquals(TestElf.Segment.of(0x200_0000, 0x1000, 0x1000).data(), vm.memory().read(0x200_0000, 0x1000));
        assertEquals(0x100_0040, vm.cpuState().rip());
    }

    @Test
    void entryStateFollowsThePvhAbi() throws BootException {
        RecordingMachine vm = machine(GIB, 1);
        pvh.load(image(kernel()), BootOptions.none(), vm);
        CpuState s = vm.cpuState();
        assertEquals(0x6000, s.rbx());
        assertEquals(0x2, s.rflags());
        assertEquals(1, s.cr0(), "protected mode, paging off");
        assertEquals(0, s.cr4());
        assertEquals(0, s.efer());
        assertEquals(0x08, s.cs().selector());
        assertEquals(0xB, s.cs().type());
        assertTrue(s.cs().db() && s.cs().g() && s.cs().s() && !s.cs().l());
        assertEquals(0xFFFFFFFF, s.cs().limit());
        assertEquals(0x10, s.ds().selector());
        assertEquals(0x3, s.ds().type());
        assertEquals(0x18, s.tr().selector());
        assertEquals(0x67, s.tr().limit());
        assertEquals(0xB, s.tr().type());
        assertEquals(0x500, s.gdtBase());
        assertEquals(31, s.gdtLimit());
        assertEquals(0x520, s.idtBase());
        assertEquals(0, s.idtLimit());
        assertEquals(Map.of(0x2FF, 0x806L), s.msrs());
    }

    @Test
    void initrdGoesToTheTopOfLowRamAsModuleZero() throws BootException {
        RecordingMachine vm = machine(6 * GIB, 1);
        byte[] initrd = new byte[10_000];
        initrd[0] = 0x1F;
        initrd[9_999] = 0x42;
        pvh.load(image(kernel()), new BootOptions("rdinit=/init",
                Optional.of(new BootImage("initrd", ByteBuffer.wrap(initrd)))), vm);
        var mem = vm.memory();
        assertEquals(1, mem.readInt(0x6000 + 12), "nr_modules");
        assertEquals(0x6040, mem.readLong(0x6000 + 16), "modlist_paddr");
        long at = mem.readLong(0x6040);
        assertEquals((3 * GIB - 10_000) & -4096, at);
        assertEquals(10_000, mem.readLong(0x6048));
        assertEquals(0, mem.readLong(0x6050), "no module command line");
        assertArrayEquals(initrd, mem.read(at, initrd.length));
    }

    @Test
    void initrdThatDoesNotFitIsRefused() {
        RecordingMachine vm = machine(64 * MIB, 1);
        BootOptions options = new BootOptions("", Optional.of(new BootImage("big", ByteBuffer.allocate(
                (int) (62 * MIB)))));
        BootException e = assertThrows(BootException.class, () -> pvh.load(image(kernel()), options, vm));
        assertTrue(e.getMessage().contains("does not fit"), e.getMessage());
    }

    @Test
    void overlongOrNulCommandLinesAreRefused() {
        RecordingMachine vm = machine(GIB, 1);
        assertThrows(BootException.class, () -> pvh.load(image(kernel()),
                new BootOptions("x".repeat(0x10000), Optional.empty()), vm));
        assertThrows(BootException.class, () -> pvh.load(image(kernel()),
                new BootOptions("a\0b", Optional.empty()), vm));
    }

    @Test
    void longestCommandLineFits() throws BootException {
        RecordingMachine vm = machine(GIB, 1);
        pvh.load(image(kernel()), new BootOptions("x".repeat(0xFFFF), Optional.empty()), vm);
        assertEquals(0, vm.memory().readByte(0x2FFFF));
        assertEquals('x', vm.memory().readByte(0x2FFFE));
    }

    @Test
    void segmentOutsideRamIsRefused() {
        RecordingMachine vm = machine(64 * MIB, 1);
        byte[] elf = TestElf.pvh(0x100_0000).segment(TestElf.Segment.of(0x100_0000, 0x1000, 0x1000))
                .segment(TestElf.Segment.of(0x800_0000, 0x1000, 0x1000)).build();
        BootException e = assertThrows(BootException.class, () -> pvh.load(image(elf), BootOptions.none(), vm));
        assertTrue(e.getMessage().contains("outside guest RAM"), e.getMessage());
    }

    @Test
    void segmentInTheHoleOfASixGibMachineIsRefused() {
        RecordingMachine vm = machine(6 * GIB, 1);
        byte[] elf = TestElf.pvh(0x100_0000).segment(TestElf.Segment.of(0x100_0000, 0x1000, 0x1000))
                .segment(TestElf.Segment.of(0xF000_0000L, 0x1000, 0x1000)).build();
        assertThrows(BootException.class, () -> pvh.load(image(elf), BootOptions.none(), vm));
    }

    @Test
    void probeScoresOnlyPvhElfs() {
        assertEquals(PvhBootProtocol.PVH_SCORE, pvh.probe(image(kernel())));
        byte[] noNote = new TestElf().entry(0x100_0000).segment(TestElf.Segment.of(0x100_0000, 0x100, 0x100))
                .build();
        assertEquals(0, pvh.probe(image(noNote)));
        assertEquals(0, pvh.probe(image(new byte[] {'M', 'Z'})));
        assertEquals(0, pvh.probe(image(new byte[0])));
        assertEquals("pvh", pvh.name());
    }

    @Test
    void machineForAsksForCloudHvAndEnoughMemory() throws BootException {
        MachineSpec small = new MachineSpec("m", 32 * MIB, 2, Personality.I440FX);
        MachineSpec spec = pvh.machineFor(image(kernel()), small);
        assertEquals(Personality.CLOUD_HV, spec.personality());
        assertEquals(128 * MIB, spec.memoryBytes());
        assertEquals(2, spec.vcpus());
        MachineSpec big = new MachineSpec("m", 2 * GIB, 1, Personality.CLOUD_HV);
        assertEquals(2 * GIB, pvh.machineFor(image(kernel()), big).memoryBytes());
        byte[] high = TestElf.pvh(0x800_0000).segment(TestElf.Segment.of(0x800_0000, 0x1000, 0x10_0000)).build();
        assertEquals(128 * MIB + 64 * MIB + MIB, pvh.machineFor(image(high), small).memoryBytes());
    }

    @Test
    void elf32ImagesLoadToo() throws BootException {
        byte[] elf = TestElf.pvh(0x10_0010).elf32().segment(TestElf.Segment.of(0x10_0000, 0x800, 0x800)).build();
        RecordingMachine vm = machine(GIB, 1);
        pvh.load(image(elf), BootOptions.none(), vm);
        assertEquals(0x10_0010, vm.cpuState().rip());
        assertArrayEquals(TestElf.Segment.of(0x10_0000, 0x800, 0x800).data(), vm.memory().read(0x10_0000, 0x800));
    }

    @Test
    void machineWithoutLowRamIsRefused() {
        RecordingMachine vm = new RecordingMachine(new MachineSpec("m", GIB, 1, Personality.CLOUD_HV),
                new HeapGuestMemory(List.of(new MemoryRegion(0x10_0000, GIB, false))));
        BootException e = assertThrows(BootException.class, () -> pvh.load(image(kernel()), BootOptions.none(), vm));
        assertTrue(e.getMessage().contains("does not cover"), e.getMessage());
    }
}
