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
 * {@link GuestMemory}, inside buffers that the walker already found inside one region each. Immutable; the memory it
 * reaches is the guest's.
 */
final class BufferSequence {

    /** One piece of an access: {@code length} bytes at guest address {@code address}. */
    @FunctionalInterface
    private interface PieceAction {
        void apply(long address, long length);
    }

    private final GuestRamViews ram;
    private final GuestMemory memory;
    private final List<Descriptor> buffers;
    /** The region of each buffer, as {@link GuestRamViews#region} found it. */
    private final int[] regions;
    private final long bytes;

    /**
     * @param buffers checked descriptors of one direction, in chain order; their lengths add up to {@code bytes}
     * @param regions the region index of each buffer in {@code ram}
     */
    BufferSequence(GuestRamViews ram, List<Descriptor> buffers, int[] regions, long bytes) {
        this.ram = ram;
        this.memory = ram.memory();
        this.buffers = buffers;
        this.regions = regions;
        this.bytes = bytes;
    }

    List<Descriptor> buffers() {
        return buffers;
    }

    long bytes() {
        return bytes;
    }

    /** Copies {@code dst.remaining()} bytes from {@code offset} into {@code dst}, advancing its position. */
    void read(long offset, ByteBuffer dst) {
        int limit = dst.limit();
        try {
            forEachPiece(offset, dst.remaining(), (address, length) -> {
                dst.limit(dst.position() + (int) length); // at most dst.remaining()
                memory.read(address, dst);
            });
        } finally {
            dst.limit(limit);
        }
    }

    /** Copies {@code src.remaining()} bytes to {@code offset}, advancing the position of {@code src}. */
    void write(long offset, ByteBuffer src) {
        int limit = src.limit();
        try {
            forEachPiece(offset, src.remaining(), (address, length) -> {
                src.limit(src.position() + (int) length); // at most src.remaining()
                memory.write(address, src);
            });
        } finally {
            src.limit(limit);
        }
    }

    /**
     * Views of {@code length} bytes from {@code offset}: one per buffer crossed (two or more where a buffer spans two
     * backing pieces of guest memory), none for empty pieces. Sliced from the views the queue took of guest RAM once,
     * not looked up per buffer.
     */
    ByteBuffer[] views(long offset, long length, boolean writable) {
        Objects.checkFromIndexSize(offset, length, bytes);
        ByteBuffer[] out = new ByteBuffer[buffers.size()];
        int n = 0;
        List<ByteBuffer> split = null; // from the first buffer that needed more than one view on
        long skip = offset;
        long left = length;
        for (int i = 0, count = buffers.size(); i < count && left > 0; i++) {
            Descriptor d = buffers.get(i);
            if (skip >= d.length()) {
                skip -= d.length();
                continue;
            }
            long piece = Math.min(left, d.length() - skip);
            long address = d.address() + skip;
            ByteBuffer v = piece <= Integer.MAX_VALUE ? ram.view(regions[i], address, (int) piece, writable) : null;
            if (v != null && split == null) {
                out[n++] = v;
            } else {
                if (split == null) {
                    split = new ArrayList<>(Arrays.asList(out).subList(0, n));
                }
                if (v != null) {
                    split.add(v);
                } else {
                    split.addAll(memory.views(address, piece, writable));
                }
            }
            left -= piece;
            skip = 0;
        }
        if (split != null) {
            return split.toArray(new ByteBuffer[0]);
        }
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    /**
     * Splits {@code [offset, offset + length)} of the sequence into the pieces of guest memory behind it, one per
     * buffer crossed, skipping empty ones, after checking that the range lies inside the sequence.
     *
     * @throws IndexOutOfBoundsException if it does not
     */
    private void forEachPiece(long offset, long length, PieceAction action) {
        Objects.checkFromIndexSize(offset, length, bytes);
        long skip = offset;
        long left = length;
        for (int i = 0, n = buffers.size(); i < n && left > 0; i++) {
            Descriptor d = buffers.get(i);
            if (skip >= d.length()) {
                skip -= d.length();
                continue;
            }
            long piece = Math.min(left, d.length() - skip);
            action.apply(d.address() + skip, piece);
            left -= piece;
            skip = 0;
        }
    }
}
