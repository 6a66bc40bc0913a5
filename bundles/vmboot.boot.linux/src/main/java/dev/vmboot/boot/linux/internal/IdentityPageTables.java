package dev.vmboot.boot.linux.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import dev.vmboot.api.memory.GuestMemory;

/**
 * 4-level page tables mapping the first 4 GiB 1:1 with 2 MiB pages (Intel SDM Vol. 3A 4.5, Tables 4-15/4-17/4-18):
 * one PML4 entry → one PDPT with four entries → four page directories of 512 large pages. Enough for the 64-bit boot
 * protocol, which needs the kernel, zero page and command line identity-mapped.
 */
final class IdentityPageTables {

    /** Entry bits: P (0), R/W (1); PS (7) in a PDE for a 2 MiB page. */
    static final long PRESENT_WRITABLE = 0x3;
    static final long LARGE_PAGE = 0x80;
    private static final int PAGE = 4096;
    private static final int ENTRIES = 512;

    private IdentityPageTables() {
    }

    static void write(GuestMemory memory) {
        ByteBuffer pml4 = page();
        pml4.putLong(0, LinuxLayout.PDPT_ADDRESS | PRESENT_WRITABLE);
        memory.write(LinuxLayout.PML4_ADDRESS, pml4.array());
        ByteBuffer pdpt = page();
        for (int i = 0; i < LinuxLayout.PD_PAGES; i++) {
            pdpt.putLong(8 * i, (LinuxLayout.PD_ADDRESS + (long) i * PAGE) | PRESENT_WRITABLE);
        }
        memory.write(LinuxLayout.PDPT_ADDRESS, pdpt.array());
        for (int i = 0; i < LinuxLayout.PD_PAGES; i++) {
            ByteBuffer pd = page();
            for (int j = 0; j < ENTRIES; j++) {
                long frame = ((long) i * ENTRIES + j) << 21;
                pd.putLong(8 * j, frame | PRESENT_WRITABLE | LARGE_PAGE);
            }
            memory.write(LinuxLayout.PD_ADDRESS + (long) i * PAGE, pd.array());
        }
    }

    private static ByteBuffer page() {
        return ByteBuffer.allocate(PAGE).order(ByteOrder.LITTLE_ENDIAN);
    }
}
