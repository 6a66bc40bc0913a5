package dev.vmboot.acpi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The Firmware ACPI Control Structure (ACPI 6.5, 5.2.10, Table 5.14): 64 bytes, 64-byte aligned, no checksum.
 * Signature 0, Length 4, Hardware Signature 8, Firmware Waking Vector 12, Global Lock 16, Flags 20, X Firmware Waking
 * Vector 24, Version 32, OSPM Flags 36. Required on platforms that are not hardware-reduced; vmboot offers no S4BIOS
 * and no waking (S3 is not offered), so everything but the identification is zero.
 */
public final class Facs {

    public static final String SIGNATURE = "FACS";
    public static final int LENGTH = 64;
    public static final int ALIGNMENT = 64;
    public static final int VERSION_OFFSET = 32;
    /** Table 5.14 Version: 2. */
    public static final int VERSION = 2;

    private Facs() {
    }

    public static byte[] build() {
        ByteBuffer b = ByteBuffer.allocate(LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        b.put(SdtHeader.bytes(SIGNATURE));
        b.putInt(LENGTH);
        b.put(VERSION_OFFSET, (byte) VERSION);
        return b.array();
    }
}
