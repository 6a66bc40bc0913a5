package dev.vmboot.boot.firmware.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import dev.vmboot.api.memory.MemoryRegion;

/**
 * The {@code etc/e820} fw_cfg file: packed {u64 address, u64 length, u32 type} little-endian entries (QEMU
 * hw/i386/e820_memory_layout.h, struct e820_entry), which OVMF's PlatformScanE820 reads to size RAM.
 */
final class E820Table {
    /** E820_RAM (ACPI 6.5, 15.1 "AddressRangeMemory"). */
    static final int TYPE_RAM = 1;
    static final int ENTRY_SIZE = 20;

    private E820Table() {
    }

    /** One RAM entry per writable guest memory region (ROM regions, such as the flash, are not RAM). */
    static byte[] of(List<MemoryRegion> regions) {
        List<MemoryRegion> ram = regions.stream().filter(r -> !r.readOnly()).toList();
        ByteBuffer b = ByteBuffer.allocate(ENTRY_SIZE * ram.size()).order(ByteOrder.LITTLE_ENDIAN);
        for (MemoryRegion r : ram) {
            b.putLong(r.guestAddress()).putLong(r.size()).putInt(TYPE_RAM);
        }
        return b.array();
    }
}
