package dev.vmboot.boot.pvh.internal;

import java.nio.ByteBuffer;

/**
 * One {@code struct hvm_memmap_table_entry} (xen/include/public/arch-x86/hvm/start_info.h): addr 0, size 8, type 16,
 * reserved 20; 24 bytes.
 */
record MemoryMapEntry(long address, long size, int type) {

    static final int SIZE = 24;
    /** start_info.h: XEN_HVM_MEMMAP_TYPE_RAM. */
    static final int TYPE_RAM = 1;
    /** start_info.h: XEN_HVM_MEMMAP_TYPE_RESERVED. */
    static final int TYPE_RESERVED = 2;

    long end() {
        return address + size;
    }

    void writeTo(ByteBuffer b) {
        b.putLong(address).putLong(size).putInt(type).putInt(0);
    }
}
