package dev.vmboot.platform;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.vmboot.api.device.GuestLogLimiter;
import dev.vmboot.api.device.PortIoDevice;
import dev.vmboot.api.vm.Personality;

/**
 * The platform devices of a {@link Personality}, with where to register them. The VMM registers
 * {@link #portIoRanges()} and {@link #mmioRanges()} in a loop, feeds console input to {@link #uart()}, adds its own
 * PCI functions to {@link #pciBus()}, and follows {@link PlatformConfig#pmBlockMoves()} for the PIIX4 PM block.
 * <p>
 * Both personalities: COM1 0x3F8 (IRQ 4), CMOS/RTC 0x70, i8042 0x60/0x64 (IRQ 1), port 0x92, POST 0x80, debug 0x402,
 * PCI mechanism #1 0xCF8–0xCFF with the reset control register at 0xCF9, host bridge 00:00.0. CLOUD_HV adds the ACPI
 * sleep/reset register 0x600, a 32-bit PM timer at 0x608 and ECAM at 0xE800_0000 (cloud-hypervisor's layout), and the
 * Generic Event Device's register at 0xFEB0_0000 with ISA IRQ 5 for its power button. I440FX
 * adds PIIX ISA 00:01.0 and PIIX4 PM 00:01.3, whose 64-port PM block (24-bit timer at +8, PM1a control at +4) appears
 * where firmware programs PMBA.
 */
public final class PlatformDevices {

    private static final String PM_BLOCK_NAME = "piix4-pm";
    /** 82371AB PIIX4 datasheet 7.1: the SCI is routed to IRQ 9 (the MADT declares it level, active high). */
    private static final int PIIX4_SCI_IRQ = 9;

    private final Personality personality;
    private final Uart16550 uart;
    private final CmosRtc cmos;
    private final I8042 i8042;
    private final DebugPort debugPort;
    private final PostCodePort postCodePort;
    private final PciRootBus pciBus = new PciRootBus();
    private final PciHostBridge hostBridge;
    private final AcpiPmTimer pmTimer;
    private final Piix4PowerManagement piix4PowerManagement;
    private final Piix4PmRegisters pmBlock;
    private final GenericEventDevice genericEventDevice;
    private final List<PortIoRange> portIoRanges = new ArrayList<>();
    private final List<MmioRange> mmioRanges = new ArrayList<>();

    private PlatformDevices(PlatformConfig config) {
        personality = config.personality();
        PowerEvents power = config.power();
        GuestLogLimiter guestLog = config.guestLog();
        uart = new Uart16550(config.console(), config.interruptLines().apply(Uart16550.COM1_IRQ));
        cmos = new CmosRtc(config.rtcClock(), config.ramBelow4GiB(), config.ramAbove4GiB(), guestLog);
        i8042 = new I8042(power, config.interruptLines().apply(I8042.IRQ), guestLog);
        debugPort = new DebugPort(config.firmwareLog());
        postCodePort = new PostCodePort(guestLog);
        hostBridge = new PciHostBridge(personality);
        pciBus.add(PciHostBridge.DEVICE, PciHostBridge.FUNCTION, hostBridge);

        addPort("com1", Uart16550.COM1_BASE, Uart16550.LENGTH, uart);
        addPort("cmos", CmosRtc.BASE, CmosRtc.LENGTH, cmos);
        addPort("i8042-data", I8042.DATA_PORT, 1, i8042.dataPort());
        addPort("i8042-command", I8042.COMMAND_PORT, 1, i8042.commandPort());
        addPort("port92", SystemControlPortA.PORT, 1, new SystemControlPortA(power, guestLog));
        addPort("post", PostCodePort.PORT, 1, postCodePort);
        addPort("debug", DebugPort.PORT, 1, debugPort);
        addPort("pci-config", PciConfigPorts.BASE, PciConfigPorts.LENGTH,
                new PciConfigPorts(pciBus, new ResetControl(power, guestLog)));

        if (personality == Personality.CLOUD_HV) {
            pmTimer = new AcpiPmTimer(true);
            piix4PowerManagement = null;
            pmBlock = null;
            genericEventDevice = new GenericEventDevice(
                    config.interruptLines().apply(GenericEventDevice.CLOUD_HV_IRQ));
            addPort("acpi-sleep", AcpiSleepControl.CLOUD_HV_PORT, AcpiSleepControl.LENGTH,
                    new AcpiSleepControl(power, guestLog));
            addPort("pm-timer", AcpiPmTimer.CLOUD_HV_PORT, AcpiPmTimer.LENGTH, pmTimer);
            mmioRanges.add(new MmioRange("pci-ecam", PciEcam.CLOUD_HV_BASE, PciEcam.FULL_SIZE, new PciEcam(pciBus)));
            mmioRanges.add(new MmioRange("acpi-ged", GenericEventDevice.CLOUD_HV_ADDRESS, GenericEventDevice.LENGTH,
                    genericEventDevice));
        } else {
            genericEventDevice = null;
            pmTimer = new AcpiPmTimer(false); // PIIX4: 24-bit timer, FADT without TMR_VAL_EXT
            pmBlock = new Piix4PmRegisters(pmTimer, power, config.interruptLines().apply(PIIX4_SCI_IRQ), guestLog);
            PortIoRangeListener moves = config.pmBlockMoves();
            piix4PowerManagement = new Piix4PowerManagement((previous, current) -> moves.rangeMoved(
                    pmRange(previous, pmBlock), pmRange(current, pmBlock)));
            pciBus.add(Piix4IsaBridge.DEVICE, Piix4IsaBridge.FUNCTION, new Piix4IsaBridge());
            pciBus.add(Piix4PowerManagement.DEVICE, Piix4PowerManagement.FUNCTION, piix4PowerManagement);
        }
    }

    /** Builds the devices for {@code config.personality()}. */
    public static PlatformDevices create(PlatformConfig config) {
        return new PlatformDevices(config);
    }

    public Personality personality() {
        return personality;
    }

    /** Fixed port ranges to register; none overlap. */
    public List<PortIoRange> portIoRanges() {
        return List.copyOf(portIoRanges);
    }

    /** Fixed MMIO ranges to register (ECAM for CLOUD_HV). */
    public List<MmioRange> mmioRanges() {
        return List.copyOf(mmioRanges);
    }

    public Uart16550 uart() {
        return uart;
    }

    public CmosRtc cmos() {
        return cmos;
    }

    public I8042 i8042() {
        return i8042;
    }

    public DebugPort debugPort() {
        return debugPort;
    }

    public PostCodePort postCodePort() {
        return postCodePort;
    }

    public PciRootBus pciBus() {
        return pciBus;
    }

    public PciHostBridge hostBridge() {
        return hostBridge;
    }

    public AcpiPmTimer pmTimer() {
        return pmTimer;
    }

    /** The PIIX4 PM function (I440FX only). */
    public Optional<Piix4PowerManagement> piix4PowerManagement() {
        return Optional.ofNullable(piix4PowerManagement);
    }

    /**
     * Presses the ACPI power button: on I440FX the PIIX4 PM block's fixed power button, on CLOUD_HV (hardware-reduced,
     * no fixed one) the control-method power button through the Generic Event Device.
     */
    public void pressPowerButton() {
        if (pmBlock != null) {
            pmBlock.pressPowerButton();
        } else {
            genericEventDevice.pressPowerButton();
        }
    }

    private void addPort(String name, int base, int length, PortIoDevice device) {
        portIoRanges.add(new PortIoRange(name, base, length, device));
    }

    private static PortIoRange pmRange(int base, Piix4PmRegisters block) {
        return base == IoSpaceListener.NONE ? null : new PortIoRange(PM_BLOCK_NAME, base, Piix4PmRegisters.LENGTH,
                block);
    }
}
