package dev.vmboot.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.vmboot.api.device.MmioDevice;
import dev.vmboot.api.device.PortIoDevice;
import dev.vmboot.api.vm.Personality;

class PlatformDevicesTest {

    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private final RecordingPowerEvents power = new RecordingPowerEvents();
    private final Map<Integer, RecordingInterruptLine> lines = new HashMap<>();
    private final List<PortIoRange[]> pmMoves = new ArrayList<>();

    private PlatformDevices create(Personality personality) {
        return PlatformDevices.create(PlatformConfig.of(personality, 1L << 30, 0, console, power,
                gsi -> lines.computeIfAbsent(gsi, g -> new RecordingInterruptLine()),
                (previous, current) -> pmMoves.add(new PortIoRange[] { previous, current }),
                dev.vmboot.api.device.GuestLogLimiter.perMinute("VM t")));
    }

    private static PortIoDevice portAt(PlatformDevices devices, int port) {
        for (PortIoRange r : devices.portIoRanges()) {
            if (port >= r.base() && port < r.base() + r.length()) {
                return new PortIoDevice() {
                    @Override
                    public int read(int offset, int size) {
                        return r.device().read(port - r.base() + offset, size);
                    }

                    @Override
                    public void write(int offset, int size, int value) {
                        r.device().write(port - r.base() + offset, size, value);
                    }
                };
            }
        }
        return null;
    }

    private static void assertNoOverlaps(List<PortIoRange> ranges) {
        for (PortIoRange a : ranges) {
            for (PortIoRange b : ranges) {
                if (a != b) {
                    assertTrue(a.base() + a.length() <= b.base() || b.base() + b.length() <= a.base(),
                            a.name() + " overlaps " + b.name());
                }
            }
        }
    }

    @Test
    void cloudHvPlatform() {
        PlatformDevices devices = create(Personality.CLOUD_HV);
        assertNoOverlaps(devices.portIoRanges());
        portAt(devices, 0xCF8).write(0, 4, 0x8000_0000);
        assertEquals(0x0D57_8086, portAt(devices, 0xCFC).read(0, 4));
        assertEquals(0xFFFF_FFFF, devices.pciBus().readConfig(0, 1, 0, 0, 4), "no PIIX on CloudHv");
        assertEquals(2, devices.mmioRanges().size());
        assertEquals(0xE800_0000L, devices.mmioRanges().get(0).base());
        assertEquals(0x0D57_8086L, devices.mmioRanges().get(0).device().read(0, 4));
        assertEquals(new MmioRange("acpi-ged", 0xFEB0_0000L, 1, devices.mmioRanges().get(1).device()),
                devices.mmioRanges().get(1));
        portAt(devices, 0x600).write(0, 1, 0x34);
        assertEquals(1, power.powerOffs);
        assertTrue(portAt(devices, 0x608) != null);
        assertFalse(devices.piix4PowerManagement().isPresent());
    }

    @Test
    void consoleAndInterruptWiring() {
        PlatformDevices devices = create(Personality.CLOUD_HV);
        PortIoDevice com1 = portAt(devices, 0x3F8);
        com1.write(0, 1, 'O');
        com1.write(0, 1, 'K');
        assertEquals("OK", console.toString(StandardCharsets.US_ASCII));
        portAt(devices, 0x3F9).write(0, 1, Uart16550.IER_RX_DATA);
        devices.uart().receive((byte) 'y');
        assertTrue(lines.get(Uart16550.COM1_IRQ).asserted());
        assertEquals(0xE9, portAt(devices, 0x402).read(0, 1));
        portAt(devices, 0xCF9).write(0, 1, 0x06);
        assertEquals(1, power.resets);
        portAt(devices, 0x64).write(0, 1, 0xFE);
        assertEquals(2, power.resets);
        assertNull(portAt(devices, 0x61), "port 0x61 is left to the PIT/speaker");
    }

    @Test
    void i440fxPlatformMapsThePmBlockWhereFirmwareSaysSo() {
        PlatformDevices devices = create(Personality.I440FX);
        assertNoOverlaps(devices.portIoRanges());
        assertTrue(devices.mmioRanges().isEmpty());
        assertNull(portAt(devices, 0x600));
        PciRootBus bus = devices.pciBus();
        assertEquals(0x1237, bus.readConfig(0, 0, 0, PciFunction.DEVICE_ID, 2));
        assertEquals(0x7000, bus.readConfig(0, 1, 0, PciFunction.DEVICE_ID, 2));
        assertEquals(0x7113, bus.readConfig(0, 1, 3, PciFunction.DEVICE_ID, 2));
        bus.writeConfig(0, 1, 3, Piix4PowerManagement.PMBA, 4, 0xB000);
        bus.writeConfig(0, 1, 3, Piix4PowerManagement.PMREGMISC, 1, 1);
        assertEquals(1, pmMoves.size());
        assertNull(pmMoves.get(0)[0]);
        PortIoRange block = pmMoves.get(0)[1];
        assertEquals(0xB000, block.base());
        assertEquals(64, block.length());
        block.device().write(4, 2, 0x2000); // OVMF ResetShutdown: SLP_TYP 0, SLP_EN
        assertEquals(1, power.powerOffs);
    }

    @Test
    void thePcsFixedPowerButtonRaisesIrqNineOnceTheGuestEnabledIt() {
        PlatformDevices pc = create(Personality.I440FX);
        pc.pciBus().writeConfig(0, 1, 3, Piix4PowerManagement.PMBA, 4, 0xB000);
        pc.pciBus().writeConfig(0, 1, 3, Piix4PowerManagement.PMREGMISC, 1, 1);
        PortIoDevice pm = pmMoves.get(pmMoves.size() - 1)[1].device();
        pm.write(Piix4PmRegisters.PM1_ENABLE, 2, Piix4PmRegisters.PWRBTN);
        pc.pressPowerButton();
        assertTrue(lines.get(9).asserted(), "the SCI, ISA IRQ 9");
        assertNull(lines.get(GenericEventDevice.CLOUD_HV_IRQ), "no GED on the PC");
    }

    @Test
    void cloudHvsPowerButtonIsAnEdgeOnIrqFiveAndAnEventReadOnceFromTheGed() {
        PlatformDevices cloudHv = create(Personality.CLOUD_HV);
        MmioDevice ged = cloudHv.mmioRanges().stream().filter(r -> r.name().equals("acpi-ged")).findFirst()
                .orElseThrow().device();
        assertEquals(0, ged.read(0, 1), "nothing pending before the press");
        cloudHv.pressPowerButton();
        assertEquals(List.of(true, false), lines.get(5).levels, "one edge on ISA IRQ 5");
        ged.write(0, 1, 0); // ignored: reading clears
        assertEquals(0x08, ged.read(0, 1), "the power-button event");
        assertEquals(0, ged.read(0, 1), "cleared by the read");
        cloudHv.pressPowerButton();
        cloudHv.pressPowerButton();
        assertEquals(0, ged.read(1, 1), "past the register");
        assertEquals(0x08, ged.read(0, 1), "two presses before the read: one pending event");
        assertEquals(List.of(true, false, true, false, true, false), lines.get(5).levels);
    }
}
