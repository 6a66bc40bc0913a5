package dev.vmboot.boot.linux.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import dev.vmboot.api.memory.MemoryRegion;

/**
 * The e820 map for the zero page, with the same regions the PVH loader's memory map has (cloud-hypervisor's
 * {@code configure_system}): RAM [0, 0xA0000), RAM [1 MiB, end of RAM below the 32-bit hole), RAM above 4 GiB, ECAM
 * reserved; the legacy hole [0xA0000, 1 MiB) with the ACPI tables is left out. Read-only regions are not RAM.
 */
final class E820Map {

    private static final long LOW_RAM_END = 0xA0000;

    private E820Map() {
    }

    static List<E820Entry> of(List<MemoryRegion> regions) {
        List<E820Entry> map = new ArrayList<>();
        for (MemoryRegion r : regions) {
            if (r.readOnly()) {
                continue;
            }
            addClipped(map, r, 0, LOW_RAM_END);
            addClipped(map, r, LinuxLayout.HIGH_RAM_START, LinuxLayout.LOW_RAM_LIMIT);
            addClipped(map, r, LinuxLayout.RAM_64BIT_START, Long.MAX_VALUE);
        }
        map.add(new E820Entry(LinuxLayout.ECAM_ADDRESS, LinuxLayout.ECAM_SIZE, E820Entry.TYPE_RESERVED));
        map.sort(Comparator.comparingLong(E820Entry::address));
        return List.copyOf(map);
    }

    private static void addClipped(List<E820Entry> map, MemoryRegion r, long from, long to) {
        long start = Math.max(r.guestAddress(), from);
        long end = Math.min(r.end(), to);
        if (end > start) {
            map.add(new E820Entry(start, end - start, E820Entry.TYPE_RAM));
        }
    }

    /** One past the last RAM byte below 4 GiB (0 if none). */
    static long lowRamEnd(List<E820Entry> map) {
        return map.stream().filter(e -> e.type() == E820Entry.TYPE_RAM && e.end() <= LinuxLayout.RAM_64BIT_START)
                .mapToLong(E820Entry::end).max().orElse(0);
    }

    /** One past the last RAM byte. */
    static long ramEnd(List<E820Entry> map) {
        return map.stream().filter(e -> e.type() == E820Entry.TYPE_RAM).mapToLong(E820Entry::end).max().orElse(0);
    }
}
