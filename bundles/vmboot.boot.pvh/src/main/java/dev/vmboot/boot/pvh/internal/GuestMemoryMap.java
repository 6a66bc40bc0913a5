package dev.vmboot.boot.pvh.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import dev.vmboot.api.memory.MemoryRegion;

/**
 * The memory map a PVH guest gets, from the machine's RAM regions, laid out as cloud-hypervisor's
 * {@code configure_pvh} does: RAM [0, 0xA0000), RAM [1 MiB, end of RAM below the 32-bit hole), RAM above 4 GiB, and
 * the PCI ECAM window reserved. The legacy hole [0xA0000, 1 MiB) (ACPI tables, SMBIOS) is left out, which every
 * consumer treats as not RAM. Read-only regions (flash) are not RAM.
 */
final class GuestMemoryMap {

    private static final long LOW_RAM_END = 0xA0000;

    private GuestMemoryMap() {
    }

    static List<MemoryMapEntry> of(List<MemoryRegion> regions) {
        List<MemoryMapEntry> map = new ArrayList<>();
        for (MemoryRegion r : regions) {
            if (r.readOnly()) {
                continue;
            }
            addClipped(map, r, 0, LOW_RAM_END);
            addClipped(map, r, PvhLayout.HIGH_RAM_START, PvhLayout.LOW_RAM_LIMIT);
            addClipped(map, r, PvhLayout.RAM_64BIT_START, Long.MAX_VALUE);
        }
        map.add(new MemoryMapEntry(PvhLayout.ECAM_ADDRESS, PvhLayout.ECAM_SIZE, MemoryMapEntry.TYPE_RESERVED));
        map.sort(Comparator.comparingLong(MemoryMapEntry::address));
        return List.copyOf(map);
    }

    private static void addClipped(List<MemoryMapEntry> map, MemoryRegion r, long from, long to) {
        long start = Math.max(r.guestAddress(), from);
        long end = Math.min(r.end(), to);
        if (end > start) {
            map.add(new MemoryMapEntry(start, end - start, MemoryMapEntry.TYPE_RAM));
        }
    }

    /** One past the last RAM byte below 4 GiB (0 if none). */
    static long lowRamEnd(List<MemoryMapEntry> map) {
        return map.stream().filter(e -> e.type() == MemoryMapEntry.TYPE_RAM && e.end() <= PvhLayout.RAM_64BIT_START)
                .mapToLong(MemoryMapEntry::end).max().orElse(0);
    }

    /** One past the last RAM byte. */
    static long ramEnd(List<MemoryMapEntry> map) {
        return map.stream().filter(e -> e.type() == MemoryMapEntry.TYPE_RAM).mapToLong(MemoryMapEntry::end).max()
                .orElse(0);
    }
}
