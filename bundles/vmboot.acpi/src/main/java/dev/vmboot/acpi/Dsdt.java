package dev.vmboot.acpi;

import java.util.ArrayList;
import java.util.List;

/**
 * The Differentiated System Description Table (ACPI 6.5, 5.2.11.1): header, then an AML definition block. vmboot's
 * describes
 * <ul>
 * <li>{@code \_S5}: the soft-off sleep type, written to the hardware-reduced sleep control register (7.4.2.5) or to
 * PM1 control's SLP_TYP (4.8.3.2.1), by the platform's {@link PowerManagement};</li>
 * <li>{@code \_SB.PCI0}: the PCI host bridge (PNP0A08 compatible with PNP0A03 when it is PCI Express, else PNP0A03;
 * 6.1.5, 6.5.6 _SEG, 6.5.5 _BBN), its
 * windows in {@code _CRS} (bus 0, I/O 0–0xCF7 and 0xD00–0xFFFF around the 0xCF8 config ports, the 32-bit MMIO window
 * and an optional 64-bit one) and {@code _PRT} (6.2.13) routing INTA–INTD of every slot onto four GSIs with the usual
 * (slot + pin) mod 4 swizzle;</li>
 * <li>{@code \_SB.COM1}: the 16550 UART (PNP0501) with its 8 ports and ISA IRQ;</li>
 * <li>{@code \_SB.MRES}: motherboard resources (PNP0C02) reserving the ECAM window, which Linux checks MCFG
 * against (only with ECAM);</li>
 * <li>{@code \_SB.Cnnn}: one processor device (ACPI0007, 8.4) per vCPU with {@code _UID} = MADT processor UID;</li>
 * <li>on a hardware-reduced platform, {@code \_SB.GED0}: the Generic Event Device (ACPI0013, 5.6.9) with its
 * interrupt in {@code _CRS} and an {@code _EVT} method that reads its event register and notifies
 * {@code \_SB.PWRB}, the control-method power button (PNP0C0C, 4.8.2.2.1.2), with 0x80 (5.6.6: "S0 Power Button
 * Pressed") when the power-button bit is set.</li>
 * </ul>
 */
public final class Dsdt {

    public static final String SIGNATURE = "DSDT";
    /** Revision 2: integers are 64 bits wide (5.2.11.1). */
    public static final int REVISION = 2;
    /** PCI config mechanism #1 ports, consumed by the host bridge (PCI Local Bus 3.0, 3.2.2.3.2). */
    private static final int CONFIG_ADDRESS_PORT = 0xCF8;
    private static final int CONFIG_PORTS = 8;
    private static final int PCI_SLOTS = 32;
    private static final int SERIAL_PORTS = 8;
    /** _STA (6.3.7): present, enabled, shown in UI, functioning. */
    private static final int STA_PRESENT_AND_WORKING = 0x0F;
    /** 5.6.6 Table 5.185, power button device notification: "S0 Power Button Pressed". */
    private static final int POWER_BUTTON_PRESSED = 0x80;
    private Dsdt() {
    }

    public static byte[] build(SdtHeader oem, PlatformDescription p) {
        byte[] aml = definitionBlock(p);
        java.nio.ByteBuffer b = oem.start(SIGNATURE, REVISION, SdtHeader.SIZE + aml.length);
        b.put(aml);
        return SdtHeader.seal(b);
    }

    static byte[] definitionBlock(PlatformDescription p) {
        List<byte[]> sb = new ArrayList<>();
        sb.add(pciHostBridge(p));
        sb.add(serialPort(p));
        if (p.pciExpress()) {
            sb.add(motherboardResources(p));
        }
        if (p.power() instanceof PowerManagement.HardwareReduced hw) {
            sb.addAll(powerButtonByGed(hw));
        }
        for (int cpu = 0; cpu < p.vcpus(); cpu++) {
            sb.add(Aml.device(String.format("C%03X", cpu),
                    Aml.name("_HID", Aml.string("ACPI0007")),
                    Aml.name("_UID", Aml.integer(cpu))));
        }
        return Aml.concat(
                Aml.name("\\_S5", Aml.pkg(Aml.integer(p.power().s5SleepType()), Aml.integer(0), Aml.integer(0),
                        Aml.integer(0))),
                Aml.scope("\\_SB", sb.toArray(byte[][]::new)));
    }

    private static byte[] pciHostBridge(PlatformDescription p) {
        ResourceTemplate crs = new ResourceTemplate()
                .wordBusNumber(0, 0)
                .io(true, CONFIG_ADDRESS_PORT, CONFIG_ADDRESS_PORT, 1, CONFIG_PORTS)
                .wordIo(0x0000, CONFIG_ADDRESS_PORT - 1)
                .wordIo(CONFIG_ADDRESS_PORT + CONFIG_PORTS, 0xFFFF)
                .dwordMemory(p.mmio32Base(), p.mmio32Limit());
        if (p.mmio64Size() > 0) {
            crs.qwordMemory(p.mmio64Base(), p.mmio64Base() + p.mmio64Size() - 1);
        }
        List<byte[]> routes = new ArrayList<>();
        for (int slot = 0; slot < PCI_SLOTS; slot++) {
            for (int pin = 0; pin < 4; pin++) {
                // 6.2.13 Table 6.76: Address (device << 16 | 0xFFFF = any function), Pin, Source 0 = GSI, Source Index
                routes.add(Aml.pkg(Aml.integer((long) slot << 16 | 0xFFFF), Aml.integer(pin), Aml.integer(0),
                        Aml.integer(p.pciInterruptGsi(slot, pin))));
            }
        }
        List<byte[]> identity = new ArrayList<>();
        if (p.pciExpress()) {
            identity.add(Aml.name("_HID", Aml.eisaId("PNP0A08")));
            identity.add(Aml.name("_CID", Aml.eisaId("PNP0A03")));
        } else {
            identity.add(Aml.name("_HID", Aml.eisaId("PNP0A03")));
        }
        return Aml.device("PCI0", Aml.concat(identity.toArray(byte[][]::new)),
                Aml.name("_SEG", Aml.integer(0)),
                Aml.name("_BBN", Aml.integer(0)),
                Aml.name("_UID", Aml.integer(0)),
                Aml.name("_CRS", crs.toAml()),
                Aml.name("_PRT", Aml.pkg(routes.toArray(byte[][]::new))));
    }

    private static byte[] serialPort(PlatformDescription p) {
        return Aml.device("COM1",
                Aml.name("_HID", Aml.eisaId("PNP0501")),
                Aml.name("_UID", Aml.integer(1)),
                Aml.method("_STA", 0, false, Aml.returnValue(Aml.integer(STA_PRESENT_AND_WORKING))),
                Aml.name("_CRS", new ResourceTemplate()
                        .io(true, p.serialPort(), p.serialPort(), 1, SERIAL_PORTS)
                        .irqNoFlags(p.serialIrq())
                        .toAml()));
    }

    private static List<byte[]> powerButtonByGed(PowerManagement.HardwareReduced hw) {
        byte[] ged = Aml.device("GED0",
                Aml.name("_HID", Aml.string("ACPI0013")),
                Aml.name("_UID", Aml.integer(0)),
                Aml.name("_CRS", new ResourceTemplate().interrupt(true, false, false, hw.gedIrq()).toAml()),
                Aml.operationRegion("GDST", Aml.REGION_SYSTEM_MEMORY, hw.gedAddress(),
                        PowerManagement.HardwareReduced.GED_LENGTH),
                Aml.field("GDST", Aml.FIELD_BYTE_ACCESS_NO_LOCK_WRITE_AS_ZEROS, "GDAT",
                        PowerManagement.HardwareReduced.GED_LENGTH * 8),
                // 5.6.9.3: OSPM evaluates _EVT with the interrupt number; one interrupt, so Arg0 is not looked at.
                // The register is read once (reading clears it), then its power-button bit is tested.
                Aml.method("_EVT", 1, true,
                        Aml.store(Aml.nameString("GDAT"), Aml.local0()),
                        Aml.ifThen(Aml.and(Aml.local0(), Aml.integer(PowerManagement.HardwareReduced.GED_POWER_BUTTON)),
                                Aml.notify("\\_SB.PWRB", POWER_BUTTON_PRESSED))));
        byte[] button = Aml.device("PWRB",
                Aml.name("_HID", Aml.eisaId("PNP0C0C")),
                Aml.name("_UID", Aml.integer(0)));
        return List.of(ged, button);
    }

    private static byte[] motherboardResources(PlatformDescription p) {
        return Aml.device("MRES",
                Aml.name("_HID", Aml.eisaId("PNP0C02")),
                Aml.name("_UID", Aml.integer(0)),
                Aml.name("_CRS", new ResourceTemplate()
                        .memory32Fixed(p.ecamBase(), (long) (p.ecamEndBus() + 1) << 20)
                        .toAml()));
    }
}
