package dev.vmboot.acpi;

import java.nio.ByteBuffer;

/**
 * The PCI Express memory-mapped configuration table (PCI Firmware Specification 3.2, 4.1.2, Tables 4-2/4-3; listed
 * in ACPI 6.5 Table 5.6): header, 8 reserved bytes, then one 16-byte allocation per segment: Base Address 0,
 * Segment Group 8, Start Bus 10, End Bus 11, reserved 12.
 */
public final class Mcfg {

    public static final String SIGNATURE = "MCFG";
    public static final int REVISION = 1;
    public static final int ALLOCATIONS_OFFSET = 44;
    public static final int LENGTH = ALLOCATIONS_OFFSET + 16;

    private Mcfg() {
    }

    /** One allocation: segment 0, buses 0 to {@code platform.ecamEndBus()}. */
    public static byte[] build(SdtHeader oem, PlatformDescription platform) {
        ByteBuffer b = oem.start(SIGNATURE, REVISION, LENGTH);
        b.position(ALLOCATIONS_OFFSET);
        b.putLong(platform.ecamBase()).putShort((short) 0).put((byte) 0).put((byte) platform.ecamEndBus()).putInt(0);
        return SdtHeader.seal(b);
    }
}
