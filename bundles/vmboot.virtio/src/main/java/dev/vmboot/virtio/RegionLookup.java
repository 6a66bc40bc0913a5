package dev.vmboot.virtio;

import java.util.List;

import dev.vmboot.api.memory.GuestMemory;
import dev.vmboot.api.memory.MemoryRegion;

/**
 * Which guest memory region holds a range the driver named, by one rule for rings, indirect tables and buffers: the
 * first byte lies inside the region and the length fits between it and the region's end. Unsigned throughout: an
 * address of 2^63 or more is in no region (regions start below 2^63) and a range cannot wrap past 2^64. A zero-length
 * range still needs its address inside a region, so a later {@link GuestMemory#views} of it cannot fail.
 */
final class RegionLookup {
    private RegionLookup() {
    }

    /** The region holding {@code [address, address + length)} entirely, or null. */
    static MemoryRegion holding(GuestMemory memory, long address, long length) {
        if (length < 0) {
            return null;
        }
        List<MemoryRegion> regions = memory.regions();
        for (int i = 0, n = regions.size(); i < n; i++) {
            MemoryRegion r = regions.get(i);
            long offset = address - r.guestAddress(); // modulo 2^64: below the region it is huge, unsigned
            if (Long.compareUnsigned(offset, r.size()) < 0 && length <= r.size() - offset) {
                return r;
            }
        }
        return null;
    }
}
