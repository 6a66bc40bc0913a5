package dev.vmboot.acpi;

import java.util.List;
import java.util.Objects;

/**
 * What the ACPI tables describe: the CPUs, interrupt controllers, fixed ports and PCI host bridge windows of the
 * virtual platform. {@link #cloudHypervisor} gives cloud-hypervisor's layout (arch/src/x86_64/layout.rs), which EDK2
 * CloudHv and vmboot's CLOUD_HV personality use; {@link #i440fx} the PC that OVMF expects (QEMU's i440FX + PIIX4, no
 * ECAM, PM1 blocks at the firmware-programmed PM base).
 *
 * @param vcpus              number of processors (one enabled Local APIC each, APIC IDs 0..vcpus-1)
 * @param localApicAddress   Local APIC MMIO base
 * @param ioApicId           I/O APIC ID
 * @param ioApicAddress      I/O APIC MMIO base
 * @param pcatCompat         whether dual 8259 PICs exist (MADT flag PCAT_COMPAT: the OS masks them)
 * @param overrides          MADT Interrupt Source Overrides (ISA IRQ → GSI); empty when ISA IRQ n is GSI n
 * @param ecamBase           PCI Express ECAM base (segment 0, from bus 0); 0 = conventional PCI host bridge, no MCFG
 * @param ecamEndBus         last bus the ECAM window decodes (1 MiB per bus)
 * @param power              the ACPI fixed hardware: hardware-reduced or PM1 blocks
 * @param serialPort         COM1 I/O base (8 ports)
 * @param serialIrq          COM1 ISA IRQ
 * @param mmio32Base         32-bit PCI MMIO window start
 * @param mmio32Limit        32-bit PCI MMIO window end (inclusive)
 * @param mmio64Base         64-bit PCI MMIO window start (0 = no 64-bit window)
 * @param mmio64Size         64-bit PCI MMIO window size
 * @param pciInterruptGsiBase first of the four GSIs PCI INTA–INTD are swizzled onto (_PRT)
 */
public record PlatformDescription(int vcpus, long localApicAddress, int ioApicId, long ioApicAddress,
        boolean pcatCompat, List<InterruptOverride> overrides, long ecamBase, int ecamEndBus, PowerManagement power,
        int serialPort, int serialIrq, long mmio32Base, long mmio32Limit,
        long mmio64Base, long mmio64Size, int pciInterruptGsiBase) {

    /** layout.rs: APIC_START. */
    public static final long LOCAL_APIC_ADDRESS = 0xFEE0_0000L;
    /** layout.rs: IOAPIC_START. */
    public static final long IO_APIC_ADDRESS = 0xFEC0_0000L;
    /** layout.rs: PCI_MMCONFIG_START, 256 MiB = buses 0–255 at 1 MiB each (PCIe Base 4.0, 7.2.2). */
    public static final long ECAM_BASE = 0xE800_0000L;
    public static final long ECAM_SIZE = 256L << 20;
    /**
     * The last bus MCFG and the host bridge name: 0, as vmboot has one root bus and no bridges. MCFG must not claim
     * more: Linux takes its end bus as the last PCI bus and probes every slot of every bus up to it for peer host
     * bridges (arch/x86/pci/legacy.c, pcibios_fixup_peer_bridges), 255 x 32 ECAM reads, each an exit; measured in
     * the nested lab: 0.89 s of a 5.3 s kernel boot.
     */
    public static final int LAST_BUS = 0;
    /** OvmfPkg/Include/IndustryStandard/CloudHv.h: CLOUDHV_ACPI_TIMER_IO_ADDRESS. */
    public static final int PM_TIMER_PORT = 0x608;
    /** CloudHv.h: CLOUDHV_ACPI_SHUTDOWN_IO_ADDRESS; cloud-hypervisor's ACPI shutdown device. */
    public static final int SLEEP_CONTROL_PORT = 0x600;
    public static final int RESET_VALUE = 1;
    /**
     * The Generic Event Device's event register (vmboot's choice: cloud-hypervisor allocates its GED from its own
     * platform MMIO area): in the 32-bit hole past KVM's TSS and identity-map pages, below the IOAPIC, outside the PCI
     * windows and ECAM.
     */
    public static final long GED_ADDRESS = 0xFEB0_0000L;
    /** The GED's interrupt: an ISA IRQ no other device of the platform uses (COM1 4, i8042 1 and 12, RTC 8, PIT 0). */
    public static final int GED_IRQ = 5;
    /** PIIX4: the SCI is wired to ISA IRQ 9 (82371AB datasheet 7.1; QEMU's MADT overrides IRQ 9 as level, high). */
    public static final int PIIX4_SCI_IRQ = 9;
    /** MPS INTI flags (ACPI 6.5 Table 5.26): active high (01), level-triggered (11 << 2). */
    public static final int LEVEL_ACTIVE_HIGH = 0x1 | 0x3 << 2;
    /** The PC reset control register (Intel ICH/PIIX "Reset Control Register" 0xCF9): 0x06 = SYS_RST | RST_CPU. */
    public static final int PC_RESET_PORT = 0xCF9;
    public static final int PC_RESET_VALUE = 0x06;
    /** \_S5 SLP_TYP of QEMU's PIIX4 PM (hw/acpi/piix4.c treats sleep type 0 as soft off). */
    public static final int PIIX4_S5_SLEEP_TYPE = 0;
    /**
     * OVMF on i440FX puts its 32-bit PCI aperture at [max(2 GiB, top of low RAM), 0xFC00_0000)
     * (OvmfPkg/Library/PlatformInitLib/Platform.c, PlatformMemMapInitialization); the window reaches up to the IOAPIC.
     */
    public static final long PC_MMIO32_FLOOR = 2 * (1L << 30);
    public static final long PC_MMIO32_LIMIT = IO_APIC_ADDRESS - 1;
    public static final int COM1_PORT = 0x3F8;
    public static final int COM1_IRQ = 4;
    /** layout.rs: MEM_32BIT_DEVICES_START / SIZE: 0xC000_0000, 640 MiB. */
    public static final long MMIO32_BASE = 0xC000_0000L;
    public static final long MMIO32_LIMIT = 0xE7FF_FFFFL;
    /** The IOAPIC has 24 pins; PCI INTx use GSIs 16–19 like a PC's PIRQ lines. */
    public static final int PCI_INTERRUPT_GSI_BASE = 16;
    /** The 64-bit window vmboot offers: 64 GiB from the first 1 GiB boundary at or above max(RAM end, 4 GiB). */
    public static final long MMIO64_SIZE = 64L << 30;
    private static final long GIB = 1L << 30;
    /** Keep the 64-bit window below 2^39 (512 GiB), which every x86-64 CPU with VT-x/AMD-V can address. */
    private static final long MMIO64_CEILING = 1L << 39;

    /**
     * An ACPI MADT Interrupt Source Override (ACPI 6.5, 5.2.12.5).
     *
     * @param source ISA IRQ
     * @param gsi    global system interrupt it is wired to
     * @param flags  MPS INTI flags (Table 5.26): bits 1:0 polarity, bits 3:2 trigger mode; 0 = bus default
     */
    public record InterruptOverride(int source, int gsi, int flags) {
    }

    public PlatformDescription {
        if (vcpus < 1 || vcpus > 255) {
            throw new IllegalArgumentException("vcpus must be 1..255 (xAPIC IDs), not " + vcpus);
        }
        overrides = List.copyOf(Objects.requireNonNull(overrides, "overrides"));
        Objects.requireNonNull(power, "power");
        if (ecamEndBus < 0 || ecamEndBus > 255) {
            throw new IllegalArgumentException("ECAM end bus " + ecamEndBus);
        }
        if (mmio32Limit < mmio32Base) {
            throw new IllegalArgumentException("empty 32-bit MMIO window");
        }
        if (mmio64Size < 0 || (mmio64Size > 0 && mmio64Base < (4 * GIB))) {
            throw new IllegalArgumentException("the 64-bit MMIO window must lie above 4 GiB");
        }
    }

    /**
     * cloud-hypervisor's platform with {@code vcpus} processors and guest RAM ending (exclusive) at
     * {@code ramEnd}: in-kernel PIC present, ISA IRQs identity-mapped onto IOAPIC pins, ECAM described for bus 0
     * only ({@link #LAST_BUS}).
     */
    public static PlatformDescription cloudHypervisor(int vcpus, long ramEnd) {
        long mmio64Base = Math.max(4 * GIB, (ramEnd + GIB - 1) & -GIB);
        long mmio64Size = mmio64Base + MMIO64_SIZE <= MMIO64_CEILING ? MMIO64_SIZE : 0;
        return new PlatformDescription(vcpus, LOCAL_APIC_ADDRESS, 0, IO_APIC_ADDRESS, true, List.of(), ECAM_BASE,
                LAST_BUS,
                new PowerManagement.HardwareReduced(PM_TIMER_PORT, SLEEP_CONTROL_PORT, RESET_VALUE, GED_ADDRESS, GED_IRQ),
                COM1_PORT,
                COM1_IRQ, MMIO32_BASE, MMIO32_LIMIT, mmio64Size == 0 ? 0 : mmio64Base, mmio64Size,
                PCI_INTERRUPT_GSI_BASE);
    }

    /**
     * The PC OVMF expects (QEMU's i440FX machine): conventional PCI without ECAM, PIIX4 PM1 blocks at {@code pmBase}
     * with the SCI on IRQ 9, reset through 0xCF9, ISA IRQs identity-mapped onto IOAPIC pins except the SCI's level
     * override, the 32-bit PCI window from max(2 GiB, {@code ramBelow4GiB}) to the IOAPIC.
     */
    public static PlatformDescription i440fx(int vcpus, long ramBelow4GiB, long ramEnd, int pmBase) {
        long mmio64Base = Math.max(4 * GIB, (ramEnd + GIB - 1) & -GIB);
        long mmio64Size = mmio64Base + MMIO64_SIZE <= MMIO64_CEILING ? MMIO64_SIZE : 0;
        return new PlatformDescription(vcpus, LOCAL_APIC_ADDRESS, 0, IO_APIC_ADDRESS, true,
                List.of(new InterruptOverride(PIIX4_SCI_IRQ, PIIX4_SCI_IRQ, LEVEL_ACTIVE_HIGH)), 0, 0,
                new PowerManagement.Pm1Blocks(pmBase, PIIX4_SCI_IRQ, PC_RESET_PORT, PC_RESET_VALUE,
                        PIIX4_S5_SLEEP_TYPE),
                COM1_PORT, COM1_IRQ, Math.max(PC_MMIO32_FLOOR, ramBelow4GiB), PC_MMIO32_LIMIT,
                mmio64Size == 0 ? 0 : mmio64Base, mmio64Size, PCI_INTERRUPT_GSI_BASE);
    }

    /** Whether the host bridge is PCI Express with an ECAM window (then an MCFG table describes it). */
    public boolean pciExpress() {
        return ecamBase != 0;
    }

    /** The ACPI PM timer's port. */
    public int pmTimerPort() {
        return power.pmTimerPort();
    }

    /** The GSI PCI device {@code slot}'s interrupt pin ({@code 0} = INTA) is routed to. */
    public int pciInterruptGsi(int slot, int pin) {
        return pciInterruptGsiBase + ((slot + pin) & 3);
    }
}
