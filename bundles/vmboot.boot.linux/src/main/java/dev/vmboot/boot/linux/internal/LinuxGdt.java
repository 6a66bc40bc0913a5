package dev.vmboot.boot.linux.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import dev.vmboot.api.vm.Segment;

/**
 * The GDT for the 32- and 64-bit boot protocols (boot.rst "32-bit Boot Protocol" / "64-bit Boot Protocol": "a GDT
 * must be loaded with the descriptors for selectors __BOOT_CS(0x10) and __BOOT_DS(0x18); both descriptors must be 4G
 * flat segment"): null, null, code 0x10, data 0x18, TSS 0x20. Descriptor layout: Intel SDM Vol. 3A 3.4.5.
 */
final class LinuxGdt {

    /** Access 0x9B (present, code execute/read accessed), flags 0xC (G, D): 32-bit code. */
    static final long CODE32 = 0x00CF_9B00_0000_FFFFL;
    /** Access 0x9B, flags 0xA (G, L): 64-bit code. */
    static final long CODE64 = 0x00AF_9B00_0000_FFFFL;
    /** Access 0x93 (present, data read/write accessed), flags 0xC. */
    static final long DATA = 0x00CF_9300_0000_FFFFL;
    /** Access 0x8B (present, busy 32-bit TSS), limit 0x67. */
    static final long TSS = 0x0000_8B00_0000_0067L;
    static final int BOOT_CS = 0x10;
    static final int BOOT_DS = 0x18;
    static final int TSS_SELECTOR = 0x20;
    static final int LIMIT = 5 * 8 - 1;

    static final Segment CODE32_SEGMENT = Segment.flat(BOOT_CS, 0xB, true, false);
    static final Segment CODE64_SEGMENT = Segment.flat(BOOT_CS, 0xB, false, true);
    static final Segment DATA_SEGMENT = Segment.flat(BOOT_DS, 0x3, true, false);
    static final Segment TSS_SEGMENT = new Segment(0, 0x67, TSS_SELECTOR, 0xB, true, 0, false, false, false, false);

    private LinuxGdt() {
    }

    static byte[] bytes(boolean longMode) {
        ByteBuffer b = ByteBuffer.allocate(LIMIT + 1).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(0).putLong(0).putLong(longMode ? CODE64 : CODE32).putLong(DATA).putLong(TSS);
        return b.array();
    }
}
