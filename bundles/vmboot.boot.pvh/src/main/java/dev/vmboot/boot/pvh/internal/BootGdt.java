package dev.vmboot.boot.pvh.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import dev.vmboot.api.vm.Segment;

/**
 * The GDT the PVH ABI's 32-bit entry state refers to (Xen docs/misc/pvh.pandoc: "CS: must be a 32-bit read/exec code
 * segment with a base of 0 and limit of 0xFFFFFFFF", DS/ES/SS flat read/write data, "TR: must be a 32-bit TSS
 * (active) with a base of '0' and a limit of '0x67'"), with cloud-hypervisor's descriptors (arch/src/x86_64/regs.rs):
 * null, code 0x08, data 0x10, TSS 0x18. Descriptor layout: Intel SDM Vol. 3A 3.4.5.
 */
final class BootGdt {

    static final long NULL = 0;
    /** Base 0, limit 0xFFFFF pages, access 0x9B (present, DPL 0, code execute/read accessed), flags 0xC (G, D). */
    static final long CODE = 0x00CF_9B00_0000_FFFFL;
    /** Base 0, limit 0xFFFFF pages, access 0x93 (present, DPL 0, data read/write accessed), flags 0xC. */
    static final long DATA = 0x00CF_9300_0000_FFFFL;
    /** Base 0, limit 0x67 bytes, access 0x8B (present, busy 32-bit TSS). */
    static final long TSS = 0x0000_8B00_0000_0067L;
    static final int CODE_SELECTOR = 0x08;
    static final int DATA_SELECTOR = 0x10;
    static final int TSS_SELECTOR = 0x18;
    static final int LIMIT = 4 * 8 - 1;

    static final Segment CODE_SEGMENT = Segment.flat(CODE_SELECTOR, 0xB, true, false);
    static final Segment DATA_SEGMENT = Segment.flat(DATA_SELECTOR, 0x3, true, false);
    static final Segment TSS_SEGMENT = new Segment(0, 0x67, TSS_SELECTOR, 0xB, true, 0, false, false, false, false);

    private BootGdt() {
    }

    static byte[] bytes() {
        ByteBuffer b = ByteBuffer.allocate(LIMIT + 1).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(NULL).putLong(CODE).putLong(DATA).putLong(TSS);
        return b.array();
    }
}
