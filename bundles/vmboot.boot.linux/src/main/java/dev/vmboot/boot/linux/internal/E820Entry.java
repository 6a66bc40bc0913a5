package dev.vmboot.boot.linux.internal;

import java.nio.ByteBuffer;

/** One {@code struct boot_e820_entry} (arch/x86/include/uapi/asm/setup_data.h): addr, size, type; 20 bytes. */
record E820Entry(long address, long size, int type) {

    static final int SIZE = 20;
    /** E820_TYPE_RAM / E820_TYPE_RESERVED (arch/x86/include/asm/e820/types.h). */
    static final int TYPE_RAM = 1;
    static final int TYPE_RESERVED = 2;

    long end() {
        return address + size;
    }

    void writeTo(ByteBuffer b) {
        b.putLong(address).putLong(size).putInt(type);
    }
}
