package dev.vmboot.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.vmboot.api.vm.Personality;

class PciTest {

    private final PciRootBus bus = new PciRootBus();
    private final RecordingPowerEvents power = new RecordingPowerEvents();
    private final PciConfigPorts ports = new PciConfigPorts(bus, new ResetControl(power,
            dev.vmboot.api.device.GuestLogLimiter.perMinute("VM t")));
    private final List<PciBarMapping[]> changes = new ArrayList<>();

    private static int address(int device, int function, int register) {
        return 0x8000_0000 | device << 11 | function << 8 | register;
    }

    private int readConfig32(int device, int function, int register) {
        ports.write(0, 4, address(device, function, register));
        return ports.read(4, 4);
    }

    private void writeConfig32(int device, int function, int register, int value) {
        ports.write(0, 4, address(device, function, register));
        ports.write(4, 4, value);
    }

    /** A function with an I/O BAR 0 (256 B), 32-bit memory BAR 1 (4 KiB) and 64-bit prefetchable BAR 2 (16 KiB). */
    private PciFunction deviceWithBars() {
        PciFunction f = new PciFunction(0x1AF4, 0x1042, 0x010000, 1, false);
        f.defineBar(PciBar.io(0, 256));
        f.defineBar(PciBar.memory32(1, 4096, false));
        f.defineBar(PciBar.memory64(2, 16384, true));
        f.addBarListener((function, previous, current) -> changes.add(new PciBarMapping[] { previous, current }));
        bus.add(3, 0, f);
        return f;
    }

    @Test
    void configAddressRoundTrips() {
        PciConfigAddress a = PciConfigAddress.decode(0x8001_1B48);
        assertTrue(a.enabled());
        assertEquals(1, a.bus());
        assertEquals(3, a.device());
        assertEquals(3, a.function());
        assertEquals(0x48, a.register());
        assertEquals(0x8001_1B48, a.encode());
        assertEquals(0x8000_0004, PciConfigAddress.decode(0xFF00_0007).encode(), "reserved bits read as zero");
    }

    @Test
    void hostBridgeIdentifiesThePersonality() {
        bus.add(0, 0, new PciHostBridge(Personality.CLOUD_HV));
        assertEquals(0x0D57_8086, readConfig32(0, 0, 0x00));
        assertEquals(0x0600_0000, readConfig32(0, 0, 0x08) & 0xFFFF_FF00, "class 06/00/00");
        assertEquals(0, readConfig32(0, 0, 0x0C) >>> 16 & 0xFF, "header type 0");
        PciRootBus other = new PciRootBus();
        other.add(0, 0, new PciHostBridge(Personality.I440FX));
        assertEquals(0x1237, other.readConfig(0, 0, 0, PciFunction.DEVICE_ID, 2));
    }

    @Test
    void byteAndWordAccessThroughTheDataWindow() {
        bus.add(0, 0, new PciHostBridge(Personality.CLOUD_HV));
        ports.write(0, 4, address(0, 0, 0));
        assertEquals(0x86, ports.read(4, 1));
        assertEquals(0x80, ports.read(5, 1), "0xCFD: register + 1");
        assertEquals(0x0D57, ports.read(6, 2), "0xCFE: register + 2");
        assertEquals(0x0D, ports.read(7, 1));
    }

    @Test
    void absentFunctionsAndOtherBusesReadAllOnes() {
        bus.add(0, 0, new PciHostBridge(Personality.CLOUD_HV));
        assertEquals(0xFFFF_FFFF, readConfig32(5, 0, 0));
        assertEquals(0xFFFF_FFFF, readConfig32(0, 1, 0));
        ports.write(0, 4, 0x8001_0000); // bus 1
        assertEquals(0xFFFF_FFFF, ports.read(4, 4));
        ports.write(0, 4, 0x0000_0000); // enable bit clear
        assertEquals(0xFFFF_FFFF, ports.read(4, 4));
        assertEquals(0xFFFF, bus.readConfig(0, 9, 0, 0, 2));
    }

    @Test
    void addressRegisterTakesOnlyDwordAccesses() {
        ports.write(0, 4, address(0, 0, 0x10));
        assertEquals(address(0, 0, 0x10), ports.read(0, 4));
        ports.write(0, 2, 0);
        assertEquals(address(0, 0, 0x10), ports.read(0, 4), "word writes to 0xCF8 are not address writes");
    }

    @Test
    void resetControlAnswersAtCf9() {
        ports.write(1, 1, 0x02);
        assertEquals(0, power.resets);
        assertEquals(0x02, ports.read(1, 1));
        ports.write(1, 1, 0x06);
        assertEquals(1, power.resets);
    }

    @Test
    void identificationIsReadOnly() {
        bus.add(0, 0, new PciHostBridge(Personality.CLOUD_HV));
        writeConfig32(0, 0, 0x00, 0x1234_5678);
        assertEquals(0x0D57_8086, readConfig32(0, 0, 0x00));
    }

    @Test
    void sizedIoBarKeepsTheIoBit() {
        deviceWithBars();
        assertEquals(0x1, readConfig32(3, 0, 0x10));
        writeConfig32(3, 0, 0x10, 0xFFFF_FFFF);
        assertEquals(0xFFFF_FF01, readConfig32(3, 0, 0x10), "size 256, bit 0 = I/O space");
    }

    @Test
    void sized32BitMemoryBar() {
        deviceWithBars();
        writeConfig32(3, 0, 0x14, 0xFFFF_FFFF);
        assertEquals(0xFFFF_F000, readConfig32(3, 0, 0x14));
    }

    @Test
    void sized64BitPrefetchableBarSpansTwoRegisters() {
        deviceWithBars();
        assertEquals(0xC, readConfig32(3, 0, 0x18), "type 64-bit (0b10 in bits 2:1), prefetchable");
        writeConfig32(3, 0, 0x18, 0xFFFF_FFFF);
        writeConfig32(3, 0, 0x1C, 0xFFFF_FFFF);
        assertEquals(0xFFFF_C00C, readConfig32(3, 0, 0x18));
        assertEquals(0xFFFF_FFFF, readConfig32(3, 0, 0x1C));
        assertEquals(0, readConfig32(3, 0, 0x20), "no BAR 4");
        assertEquals(0, readConfig32(3, 0, 0x30), "no expansion ROM");
    }

    @Test
    void movingAnEnabledMemoryBarNotifies() {
        PciFunction f = deviceWithBars();
        writeConfig32(3, 0, 0x14, 0xC000_0000);
        assertTrue(changes.isEmpty(), "memory decoding is off");
        writeConfig32(3, 0, 0x04, PciFunction.COMMAND_MEMORY);
        assertEquals(1, changes.size());
        assertEquals(new PciBarMapping(f.bar(1), 0xC000_0000L, false), changes.get(0)[0]);
        assertEquals(new PciBarMapping(f.bar(1), 0xC000_0000L, true), changes.get(0)[1]);
        writeConfig32(3, 0, 0x14, 0xC000_1000);
        assertEquals(2, changes.size());
        assertEquals(new PciBarMapping(f.bar(1), 0xC000_1000L, true), changes.get(1)[1]);
        assertEquals(0xC000_1000L, f.barMapping(1).address());
    }

    @Test
    void ioBarFollowsTheIoEnableBit() {
        PciFunction f = deviceWithBars();
        writeConfig32(3, 0, 0x10, 0xC000);
        writeConfig32(3, 0, 0x04, PciFunction.COMMAND_IO | PciFunction.COMMAND_MEMORY);
        assertEquals(1, changes.size(), "only the I/O BAR has an address");
        assertEquals(new PciBarMapping(f.bar(0), 0xC000, true), changes.get(0)[1]);
        writeConfig32(3, 0, 0x04, PciFunction.COMMAND_MEMORY);
        assertEquals(new PciBarMapping(f.bar(0), 0xC000, false), changes.get(1)[1]);
    }

    @Test
    void barHoldingItsSizingPatternDecodesNothing() {
        PciFunction f = deviceWithBars();
        writeConfig32(3, 0, 0x04, PciFunction.COMMAND_MEMORY);
        writeConfig32(3, 0, 0x14, 0xFFFF_FFFF);
        assertFalse(f.barMapping(1).decoded());
        writeConfig32(3, 0, 0x14, 0xE000_0000);
        assertTrue(f.barMapping(1).decoded());
    }

    @Test
    void sixtyFourBitBarAboveFourGiB() {
        PciFunction f = deviceWithBars();
        writeConfig32(3, 0, 0x04, PciFunction.COMMAND_MEMORY);
        writeConfig32(3, 0, 0x18, 0x0000_4000);
        writeConfig32(3, 0, 0x1C, 0x0000_0008);
        PciBarMapping m = f.barMapping(2);
        assertEquals(0x8_0000_4000L, m.address());
        assertTrue(m.decoded());
        assertEquals(new PciBarMapping(f.bar(2), 0x8_0000_4000L, true), changes.get(changes.size() - 1)[1]);
    }

    @Test
    void assignBarProgramsAsFirmwareWould() {
        PciFunction f = deviceWithBars();
        f.assignBar(2, 0x1_0000_0000L);
        assertEquals(0x0000_000C, readConfig32(3, 0, 0x18));
        assertEquals(0x0000_0001, readConfig32(3, 0, 0x1C));
        assertThrows(IllegalArgumentException.class, () -> f.assignBar(1, 0x1_0000_0000L));
        assertThrows(IllegalArgumentException.class, () -> f.assignBar(0, 0xC010));
    }

    @Test
    void barDefinitionsAreChecked() {
        PciFunction f = new PciFunction(0x1AF4, 0x1000, 0, 0, false);
        f.defineBar(PciBar.memory64(0, 4096, false));
        assertThrows(IllegalStateException.class, () -> f.defineBar(PciBar.io(1, 16)));
        assertThrows(IllegalArgumentException.class, () -> PciBar.io(0, 512));
        assertThrows(IllegalArgumentException.class, () -> PciBar.memory32(0, 3000, false));
        assertThrows(IllegalArgumentException.class, () -> PciBar.memory64(5, 4096, false));
        assertNull(f.bar(1));
    }

    @Test
    void commandRegisterKeepsOnlyWritableBits() {
        deviceWithBars();
        writeConfig32(3, 0, 0x04, 0xFFFF_FFFF);
        assertEquals(0x0547, readConfig32(3, 0, 0x04) & 0xFFFF);
        assertEquals(0, readConfig32(3, 0, 0x04) >>> 16, "status is read-only");
    }

    @Test
    void interruptLineIsWritablePinIsNot() {
        PciFunction f = deviceWithBars();
        f.setInterruptPin(1);
        writeConfig32(3, 0, 0x3C, 0xFFFF_FF0B);
        assertEquals(0x010B, readConfig32(3, 0, 0x3C) & 0xFFFF);
    }

    @Test
    void ecamDecodesBusDeviceFunctionRegister() {
        bus.add(0, 0, new PciHostBridge(Personality.CLOUD_HV));
        PciFunction express = new PciFunction(0x1AF4, 0x1041, 0x020000, 1, true);
        express.setWritable(0x100, 4);
        bus.add(2, 5, express);
        PciEcam ecam = new PciEcam(bus);
        assertEquals(0x0D57_8086L, ecam.read(0, 4));
        long fn = 2L << 15 | 5L << 12;
        assertEquals(0x1041_1AF4L, ecam.read(fn, 4));
        ecam.write(fn + 0x100, 4, 0xCAFE_F00DL);
        assertEquals(0xCAFE_F00DL, ecam.read(fn + 0x100, 4), "extended configuration space");
        assertEquals(0xFFFF_FFFFL, ecam.read(1L << 20, 4), "bus 1");
        assertEquals(0xFFFF_FFFFL, ecam.read(0x100, 4), "beyond a 256-byte configuration space");
        assertEquals(0xFFFF_FFFFL, ecam.read(0xFFE, 4), "crossing a function's 4 KiB");
        ecam.write(4, 2, PciFunction.COMMAND_MEMORY);
        assertEquals(0x0000_0002_0D57_8086L, ecam.read(0, 8), "an 8-byte read is two dwords");
    }

    @Test
    void piixFunctionsMakeDeviceOneMultiFunction() {
        bus.add(1, 0, new Piix4IsaBridge());
        assertEquals(0x00, bus.readConfig(0, 1, 0, PciFunction.HEADER_TYPE, 1));
        bus.add(1, 3, new Piix4PowerManagement((p, n) -> { }));
        assertEquals(0x80, bus.readConfig(0, 1, 0, PciFunction.HEADER_TYPE, 1));
        assertEquals(0x7113_8086, bus.readConfig(0, 1, 3, 0, 4));
        assertEquals(0x7000_8086, bus.readConfig(0, 1, 0, 0, 4));
        assertEquals(0x80, bus.readConfig(0, 1, 0, Piix4IsaBridge.PIRQ_ROUTE_CONTROL, 1));
        assertThrows(IllegalStateException.class, () -> bus.add(1, 3, new Piix4IsaBridge()));
    }

    @Test
    void pmBaseIsReportedWhereFirmwareEnablesIt() {
        List<int[]> moves = new ArrayList<>();
        Piix4PowerManagement pm = new Piix4PowerManagement((p, n) -> moves.add(new int[] { p, n }));
        bus.add(1, 3, pm);
        // OvmfPkg PlatformInitLib: PMBA <- 0xB000, then PMREGMISC bit 0
        writeConfig32(1, 3, Piix4PowerManagement.PMBA, Piix4PowerManagement.OVMF_PMBA_VALUE);
        assertTrue(moves.isEmpty(), "not enabled yet");
        assertEquals(0xB001, readConfig32(1, 3, Piix4PowerManagement.PMBA), "bit 0: I/O space");
        ports.write(0, 4, address(1, 3, Piix4PowerManagement.PMREGMISC));
        ports.write(4, 1, 0x01);
        assertEquals(1, moves.size());
        assertEquals(IoSpaceListener.NONE, moves.get(0)[0]);
        assertEquals(0xB000, moves.get(0)[1]);
        writeConfig32(1, 3, Piix4PowerManagement.PMBA, 0xC03F);
        assertEquals(0xC000, moves.get(1)[1], "bits 5:0 are not part of the base");
        ports.write(0, 4, address(1, 3, Piix4PowerManagement.PMREGMISC));
        ports.write(4, 1, 0x00);
        assertEquals(IoSpaceListener.NONE, moves.get(2)[1]);
        assertEquals(IoSpaceListener.NONE, pm.pmBase());
    }
}
