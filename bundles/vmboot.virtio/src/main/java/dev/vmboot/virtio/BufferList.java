package dev.vmboot.virtio;

import java.util.Arrays;

/**
 * The checked buffers of one direction of the chain being walked, in growing arrays that {@link ChainWalker} reuses
 * from chain to chain: guest address, length and region index of each. {@link #sequence} hands a chain its own copy.
 * Not thread-safe (the walker's).
 */
final class BufferList {
    /** Buffers a list holds before its arrays first grow: what a small request (header, data, status) needs. */
    private static final int INITIAL = 8;

    private long[] addresses = new long[INITIAL];
    private int[] lengths = new int[INITIAL];
    private int[] regions = new int[INITIAL];
    private int count;
    private long bytes;

    void clear() {
        count = 0;
        bytes = 0;
    }

    int count() {
        return count;
    }

    long bytes() {
        return bytes;
    }

    /**
     * Adds a checked buffer.
     *
     * @param length 0 to 2^32 - 1, kept as an int
     */
    void add(long address, long length, int region) {
        if (count == addresses.length) {
            int grown = count * 2; // at most 32768 + 65536 buffers a chain: see ChainWalker
            addresses = Arrays.copyOf(addresses, grown);
            lengths = Arrays.copyOf(lengths, grown);
            regions = Arrays.copyOf(regions, grown);
        }
        addresses[count] = address;
        lengths[count] = (int) length;
        regions[count] = region;
        count++;
        bytes += length;
    }

    /** The buffers so far as a chain's byte sequence, on copies of the arrays. */
    BufferSequence sequence(GuestRamViews ram, boolean writable) {
        return new BufferSequence(ram, writable, Arrays.copyOf(addresses, count), Arrays.copyOf(lengths, count),
                Arrays.copyOf(regions, count), bytes);
    }
}
