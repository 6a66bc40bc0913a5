package dev.vmboot.virtio;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import dev.vmboot.api.memory.GuestMemory;
import dev.vmboot.api.memory.MemoryRegion;

/**
 * Guest memory as a queue's hot path sees it: the regions in arrays, and views of each region's backing pieces taken
 * once when the queue is made, so that checking a buffer costs a walk over two or three array entries and a view of
 * it one {@code ByteBuffer.slice}, instead of a lookup through {@link GuestMemory} per descriptor (a 1 MiB read from
 * Linux brings up to 254 of them; measured in the nested lab, the per-descriptor lookups cost a third of the time a
 * read spent outside its {@code readv}).
 * <p>
 * Where a range crosses two backing pieces, or a region has more than {@value #MAX_CACHED_PIECES} pieces (the
 * test kit's sparse heap memory), it falls back to {@link GuestMemory#views}, with the same result.
 * <p>
 * The regions of a running machine do not change; the views stay valid while guest memory is mapped, which the
 * threading contract of {@link dev.vmboot.api.virtio.VirtioDevice#reset} guarantees for as long as the queue is used.
 * Immutable; its views are shared read-only structure (only absolute accessors and slices are used on them).
 */
final class GuestRamViews {
    /** Regions with more backing pieces than this are reached through {@link GuestMemory#views} every time. */
    static final int MAX_CACHED_PIECES = 64;

    private final GuestMemory memory;
    private final long[] starts;
    private final long[] sizes;
    private final boolean[] readOnly;
    /** Per region its backing pieces, in order, or null where the region is not cached. */
    private final ByteBuffer[][] pieces;
    /** Per region the offset (from the region's start) at which each piece begins. */
    private final long[][] pieceOffsets;

    private GuestRamViews(GuestMemory memory) {
        this.memory = memory;
        List<MemoryRegion> regions = memory.regions();
        int n = regions.size();
        starts = new long[n];
        sizes = new long[n];
        readOnly = new boolean[n];
        pieces = new ByteBuffer[n][];
        pieceOffsets = new long[n][];
        for (int i = 0; i < n; i++) {
            MemoryRegion r = regions.get(i);
            starts[i] = r.guestAddress();
            sizes[i] = r.size();
            readOnly[i] = r.readOnly();
            cache(i, r);
        }
    }

    static GuestRamViews of(GuestMemory memory) {
        return new GuestRamViews(memory);
    }

    private void cache(int i, MemoryRegion r) {
        List<ByteBuffer> views = memory.views(r.guestAddress(), r.size(), !r.readOnly());
        if (views.size() > MAX_CACHED_PIECES) {
            return;
        }
        ByteBuffer[] p = new ByteBuffer[views.size()];
        long[] offsets = new long[views.size()];
        long at = 0;
        for (int k = 0; k < p.length; k++) {
            p[k] = views.get(k).duplicate().order(ByteOrder.LITTLE_ENDIAN);
            offsets[k] = at;
            at += p[k].remaining();
        }
        pieces[i] = p;
        pieceOffsets[i] = offsets;
    }

    GuestMemory memory() {
        return memory;
    }

    /**
     * The index of the region holding {@code [address, address + length)} entirely, or -1. Unsigned throughout: an
     * address of 2^63 or more is in no region, and a range cannot wrap past 2^64; a zero-length range still needs its
     * address inside a region.
     */
    int region(long address, long length) {
        if (length < 0) {
            return -1;
        }
        for (int i = 0; i < starts.length; i++) {
            long offset = address - starts[i]; // modulo 2^64: below the region it is huge, unsigned
            if (Long.compareUnsigned(offset, sizes[i]) < 0 && length <= sizes[i] - offset) {
                return i;
            }
        }
        return -1;
    }

    boolean readOnly(int region) {
        return readOnly[region];
    }

    /**
     * A view of {@code length} bytes at {@code address}, which lies in {@code region} (as {@link #region} said):
     * writable if asked (the region must not be read-only), else read-only.
     */
    ByteBuffer view(int region, long address, int length, boolean writable) {
        ByteBuffer[] p = pieces[region];
        if (p != null) {
            long offset = address - starts[region];
            int k = piece(region, offset);
            long in = offset - pieceOffsets[region][k];
            if (in + length <= p[k].capacity()) {
                ByteBuffer v = p[k].slice((int) in, length).order(ByteOrder.LITTLE_ENDIAN);
                return writable || v.isReadOnly() ? v : v.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
            }
        }
        return null;
    }

    /**
     * The little-endian 64-bit word at {@code address}, whose 8 bytes lie in {@code region} (the caller checked the
     * table they belong to): from the cached view, or through {@link GuestMemory} where they cross two backing pieces
     * or the region is not cached.
     */
    long readLong(int region, long address) {
        ByteBuffer[] p = pieces[region];
        if (p != null) {
            long offset = address - starts[region];
            int k = piece(region, offset);
            long in = offset - pieceOffsets[region][k];
            if (in + Long.BYTES <= p[k].capacity()) {
                return p[k].getLong((int) in);
            }
        }
        return memory.readLong(address);
    }

    private int piece(int region, long offset) {
        long[] offsets = pieceOffsets[region];
        int lo = 0;
        int hi = offsets.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (offsets[mid] <= offset) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }
}
