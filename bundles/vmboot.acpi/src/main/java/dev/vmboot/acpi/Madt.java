package dev.vmboot.acpi;

import java.nio.ByteBuffer;

/**
 * The Multiple APIC Description Table (ACPI 6.5, 5.2.12, Table 5.19): Local Interrupt Controller Address at 36, Flags
 * at 40, then interrupt controller structures.
 */
public final class Madt {

    public static final String SIGNATURE = "APIC";
    /** Revision 5 (ACPI 6.3 and later); the structures used here are unchanged since ACPI 1.0. */
    public static final int REVISION = 5;
    public static final int LOCAL_APIC_ADDRESS_OFFSET = 36;
    public static final int FLAGS_OFFSET = 40;
    public static final int STRUCTURES_OFFSET = 44;
    /** Table 5.20 Multiple APIC Flags: bit 0 PCAT_COMPAT. */
    public static final int PCAT_COMPAT = 1;

    // Table 5.21 Interrupt Controller Structure Types, with their lengths
    public static final int TYPE_LOCAL_APIC = 0; // 5.2.12.2, 8 bytes
    public static final int TYPE_IO_APIC = 1; // 5.2.12.3, 12 bytes
    public static final int TYPE_INTERRUPT_SOURCE_OVERRIDE = 2; // 5.2.12.5, 10 bytes
    public static final int TYPE_LOCAL_APIC_NMI = 4; // 5.2.12.7, 6 bytes
    private static final int LOCAL_APIC_LENGTH = 8;
    private static final int IO_APIC_LENGTH = 12;
    private static final int OVERRIDE_LENGTH = 10;
    private static final int NMI_LENGTH = 6;
    /** Table 5.23 Local APIC Flags: bit 0 Enabled. */
    private static final int LOCAL_APIC_ENABLED = 1;
    /** 5.2.12.7: ACPI Processor UID 0xFF = all processors. */
    private static final int ALL_PROCESSORS = 0xFF;
    /** Table 5.26 MPS INTI flags: polarity active high (01), trigger edge (01 << 2). */
    private static final int NMI_FLAGS = 0x1 | 0x1 << 2;
    /** LINT1 is wired to NMI on a PC (Intel MP Spec 1.4, 5.1; cloud-hypervisor sets LINT1 = NMI). */
    private static final int NMI_LINT = 1;

    private Madt() {
    }

    public static byte[] build(SdtHeader oem, PlatformDescription p) {
        int length = STRUCTURES_OFFSET + p.vcpus() * LOCAL_APIC_LENGTH + IO_APIC_LENGTH
                + p.overrides().size() * OVERRIDE_LENGTH + NMI_LENGTH;
        ByteBuffer b = oem.start(SIGNATURE, REVISION, length);
        b.putInt((int) p.localApicAddress());
        b.putInt(p.pcatCompat() ? PCAT_COMPAT : 0);
        for (int cpu = 0; cpu < p.vcpus(); cpu++) {
            // ACPI Processor UID = APIC ID = vCPU index (matches the Processor devices' _UID in the DSDT)
            b.put((byte) TYPE_LOCAL_APIC).put((byte) LOCAL_APIC_LENGTH).put((byte) cpu).put((byte) cpu)
                    .putInt(LOCAL_APIC_ENABLED);
        }
        b.put((byte) TYPE_IO_APIC).put((byte) IO_APIC_LENGTH).put((byte) p.ioApicId()).put((byte) 0)
                .putInt((int) p.ioApicAddress()).putInt(0); // GSI base 0
        for (PlatformDescription.InterruptOverride o : p.overrides()) {
            b.put((byte) TYPE_INTERRUPT_SOURCE_OVERRIDE).put((byte) OVERRIDE_LENGTH).put((byte) 0) // bus 0 = ISA
                    .put((byte) o.source()).putInt(o.gsi()).putShort((short) o.flags());
        }
        b.put((byte) TYPE_LOCAL_APIC_NMI).put((byte) NMI_LENGTH).put((byte) ALL_PROCESSORS).putShort((short) NMI_FLAGS)
                .put((byte) NMI_LINT);
        return SdtHeader.seal(b);
    }
}
