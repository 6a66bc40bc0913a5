package dev.vmboot.virtio;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import dev.vmboot.api.memory.GuestMemory;
import dev.vmboot.api.virtio.Descriptor;

/**
 * The checked buffers of one direction of a descriptor chain (all device-readable or all device-writable), addressed
 * as one byte sequence: offset 0 is the first byte of the first buffer, the next buffer follows the last byte of the
 * one before. Every access is checked against the sequence's length first and then touches guest memory only through
 * {@link GuestMemory} or the queue's views of it, inside buffers that the walker already found inside one region each.
 * Immutable (the arrays are its own copies); the memory it reaches is the guest's.
 */
final class BufferSequence {

    private final GuestRamViews ram;
    private final GuestMemory memory;
    private final boolean writable;
    private final long[] addresses;
    /** Unsigned 32-bit lengths. */
    private final int[] lengths;
    /** The region of each buffer, as {@link GuestRamViews#region} found it. */
    private final int[] regions;
    private final long bytes;
    /** {@link #buffers()}, made when first asked for (an immutable list: safely published through a plain field). */
    private List<Descriptor> descriptors;

    /**
     * @param writable  whether the buffers are device-writable (else device-readable)
     * @param addresses guest addresses of checked buffers of that direction, in chain order
     * @param lengths   their lengths, unsigned, adding up to {@code bytes}
     * @param regions   the region index of each buffer in {@code ram}
     */
    BufferSequence(GuestRamViews ram, boolean writable, long[] addresses, int[] lengths, int[] regions, long bytes) {
        this.ram = ram;
        this.memory = ram.memory();
        this.writable = writable;
        this.addresses = addresses;
        this.lengths = lengths;
        this.regions = regions;
        this.bytes = bytes;
    }

    /** The buffers as descriptors, in chain order. */
    List<Descriptor> buffers() {
        List<Descriptor> d = descriptors;
        if (d == null) {
            Descriptor[] all = new Descriptor[addresses.length];
            for (int i = 0; i < all.length; i++) {
                all[i] = new Descriptor(addresses[i], length(i), writable);
            }
            d = List.of(all);
            descriptors = d;
        }
        return d;
    }

    long bytes() {
        return bytes;
    }

    /** Copies {@code dst.remaining()} bytes from {@code offset} into {@code dst}, advancing its position. */
    void read(long offset, ByteBuffer dst) {
        copy(offset, dst, false);
    }

    /** Copies {@code src.remaining()} bytes to {@code offset}, advancing the position of {@code src}. */
    void write(long offset, ByteBuffer src) {
        copy(offset, src, true);
    }

    /**
     * Copies {@code host.remaining()} bytes between {@code host} and the sequence from {@code offset}, buffer by
     * buffer, advancing the position of {@code host}: into guest memory if {@code toGuest}, else out of it.
     */
    private void copy(long offset, ByteBuffer host, boolean toGuest) {
        int remaining = host.remaining();
        Objects.checkFromIndexSize(offset, remaining, bytes);
        if (remaining == 0) {
            return;
        }
        int limit = host.limit();
        try {
            long found = bufferAt(offset);
            int i = (int) (found >>> 32);
            long skip = offset - (found & 0xFFFF_FFFFL);
            for (long left = remaining; left > 0; i++, skip = 0) {
                long piece = Math.min(left, length(i) - skip);
                host.limit(host.position() + (int) piece); // at most host.remaining()
                if (toGuest) {
                    memory.write(addresses[i] + skip, host);
                } else {
                    memory.read(addresses[i] + skip, host);
                }
                left -= piece;
            }
        } finally {
            host.limit(limit);
        }
    }

    /**
     * The buffer holding byte {@code offset} (below {@link #bytes}): its index in the high 32 bits, the offset of its
     * first byte in the sequence (below 2^32, as the sequence is) in the low 32. Searched from the end for an offset in
     * the second half: a block device writes its status as the last byte of a chain of up to 254 buffers, once per
     * request.
     */
    private long bufferAt(long offset) {
        if (offset < bytes / 2) {
            long at = 0;
            for (int i = 0;; i++) {
                long next = at + length(i);
                if (offset < next) {
                    return (long) i << 32 | at;
                }
                at = next;
            }
        }
        long at = bytes;
        for (int i = addresses.length - 1;; i--) {
            at -= length(i);
            if (at <= offset && offset < at + length(i)) {
                return (long) i << 32 | at;
            }
        }
    }

    /**
     * Views of {@code length} bytes from {@code offset}: one per buffer crossed (two or more where a buffer spans two
     * backing pieces of guest memory), none for empty pieces; writable ones if the buffers are device-writable.
     * Sliced from the views the queue took of guest RAM once, not looked up per buffer: the loop does little besides
     * calling {@link #view}, as it runs interpreted for a fresh VMM's first hundred or so requests.
     */
    ByteBuffer[] views(long offset, long length) {
        Objects.checkFromIndexSize(offset, length, bytes);
        ByteBuffer[] out = new ByteBuffer[addresses.length];
        int n = 0;
        long skip = offset;
        long left = length;
        for (int i = 0; i < out.length && left > 0; i++) {
            long bufferLength = lengths[i] & 0xFFFF_FFFFL;
            if (skip >= bufferLength) {
                skip -= bufferLength;
                continue;
            }
            long piece = left < bufferLength - skip ? left : bufferLength - skip;
            ByteBuffer v = view(i, skip, piece);
            if (v == null) {
                return viewsAcrossPieces(offset, length);
            }
            out[n++] = v;
            left -= piece;
            skip = 0;
        }
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    /** One view of {@code piece} bytes of buffer {@code i} from {@code skip}, or null if that takes more than one. */
    private ByteBuffer view(int i, long skip, long piece) {
        return piece <= Integer.MAX_VALUE ? ram.view(regions[i], addresses[i] + skip, (int) piece, writable) : null;
    }

    /** {@link #views} where some buffer spans two backing pieces, or lies in memory the queue keeps no views of. */
    private ByteBuffer[] viewsAcrossPieces(long offset, long length) {
        List<ByteBuffer> out = new ArrayList<>(addresses.length + 1);
        long skip = offset;
        long left = length;
        for (int i = 0; i < addresses.length && left > 0; i++) {
            long bufferLength = length(i);
            if (skip >= bufferLength) {
                skip -= bufferLength;
                continue;
            }
            long piece = Math.min(left, bufferLength - skip);
            ByteBuffer v = view(i, skip, piece);
            if (v != null) {
                out.add(v);
            } else {
                out.addAll(memory.views(addresses[i] + skip, piece, writable));
            }
            left -= piece;
            skip = 0;
        }
        return out.toArray(new ByteBuffer[0]);
    }

    private long length(int i) {
        return Integer.toUnsignedLong(lengths[i]);
    }
}
