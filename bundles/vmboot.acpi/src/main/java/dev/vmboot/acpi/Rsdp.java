package dev.vmboot.acpi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The Root System Description Pointer, revision 2 (ACPI 6.5, 5.2.5.3, Table 5.3): Signature "RSD PTR " 0, Checksum
 * 8 (over the first 20 bytes), OEMID 9, Revision 15, RsdtAddress 16, Length 20, XsdtAddress 24, Extended Checksum 32
 * (over all 36 bytes), reserved 33–35. Must sit on a 16-byte boundary (5.2.5.1).
 */
public final class Rsdp {

    public static final int SIZE = 36;
    public static final int ACPI_1_LENGTH = 20;
    public static final int CHECKSUM_OFFSET = 8;
    public static final int REVISION_OFFSET = 15;
    public static final int XSDT_ADDRESS_OFFSET = 24;
    public static final int EXTENDED_CHECKSUM_OFFSET = 32;
    /** Revision 2 = ACPI 2.0 and later: the XSDT address is valid. */
    public static final int REVISION = 2;

    private Rsdp() {
    }

    /** An RSDP pointing only at the XSDT (RsdtAddress 0, as a 64-bit-only platform may). */
    public static byte[] build(SdtHeader oem, long xsdtAddress) {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.put(SdtHeader.bytes("RSD PTR "));
        b.put((byte) 0);
        b.put(SdtHeader.bytes(oem.oemId()));
        b.put((byte) REVISION);
        b.putInt(0); // RsdtAddress: no RSDT
        b.putInt(SIZE);
        b.putLong(xsdtAddress);
        byte[] r = b.array();
        r[CHECKSUM_OFFSET] = SdtHeader.checksumFor(r, 0, ACPI_1_LENGTH);
        r[EXTENDED_CHECKSUM_OFFSET] = SdtHeader.checksumFor(r, 0, SIZE);
        return r;
    }
}
