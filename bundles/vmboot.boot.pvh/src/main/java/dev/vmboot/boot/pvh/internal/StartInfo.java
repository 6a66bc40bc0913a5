package dev.vmboot.boot.pvh.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * {@code struct hvm_start_info} (xen/include/public/arch-x86/hvm/start_info.h), version 1: magic 0, version 4, flags
 * 8, nr_modules 12, modlist_paddr 16, cmdline_paddr 24, rsdp_paddr 32, memmap_paddr 40, memmap_entries 48, reserved
 * 52; 56 bytes. Version 0 is the first 40 bytes; version 1 is backwards compatible (a version-0 reader ignores the
 * rest) and no ELF note lets an image ask for version 0, so vmboot always writes version 1.
 */
record StartInfo(int flags, int nrModules, long modlistPaddr, long cmdlinePaddr, long rsdpPaddr, long memmapPaddr,
        int memmapEntries) {

    static final int SIZE = 56;
    /** start_info.h: XEN_HVM_START_MAGIC_VALUE ("xEn3" with the 0x80 bit of the "E" set). */
    static final int MAGIC = 0x336E_C578;
    static final int VERSION = 1;
    /** start_info.h: struct hvm_modlist_entry {paddr, size, cmdline_paddr, reserved}, 32 bytes. */
    static final int MODLIST_ENTRY_SIZE = 32;

    byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(MAGIC).putInt(VERSION).putInt(flags).putInt(nrModules);
        b.putLong(modlistPaddr).putLong(cmdlinePaddr).putLong(rsdpPaddr).putLong(memmapPaddr);
        b.putInt(memmapEntries).putInt(0);
        return b.array();
    }

    static byte[] modlistEntry(long paddr, long size) {
        ByteBuffer b = ByteBuffer.allocate(MODLIST_ENTRY_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(paddr).putLong(size).putLong(0).putLong(0); // no module command line
        return b.array();
    }
}
