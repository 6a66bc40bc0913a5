package dev.vmboot.acpi;

import java.nio.ByteBuffer;
import java.util.List;

/** The Extended System Description Table (ACPI 6.5, 5.2.8, Table 5.8): header, then 64-bit table addresses. */
public final class Xsdt {

    public static final String SIGNATURE = "XSDT";
    public static final int REVISION = 1;

    private Xsdt() {
    }

    public static byte[] build(SdtHeader oem, List<Long> tableAddresses) {
        ByteBuffer b = oem.start(SIGNATURE, REVISION, SdtHeader.SIZE + 8 * tableAddresses.size());
        tableAddresses.forEach(b::putLong);
        return SdtHeader.seal(b);
    }
}
