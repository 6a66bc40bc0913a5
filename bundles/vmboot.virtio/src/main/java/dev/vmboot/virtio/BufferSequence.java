package dev.vmboot.virtio;

import java.nio.ByteBuffer;
import java.util.ArrayList;
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

    private final GuestMemory memory;
    private final List<Descriptor> buffers;
    private final long bytes;

    /** @param buffers checked descriptors of one direction, in chain order; their lengths add up to {@code bytes} */
    BufferSequence(GuestMemory memory, List<Descriptor> buffers, long bytes) {
        this.memory = memory;
        this.buffers = buffers;
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

    /** Views of {@code length} bytes from {@code offset}: one or more per buffer crossed, none for empty pieces. */
    ByteBuffer[] views(long offset, long length, boolean writable) {
        List<ByteBuffer> views = new ArrayList<>(buffers.size());
        forEachPiece(offset, length, (address, n) -> views.addAll(memory.views(address, n, writable)));
        return views.toArray(new ByteBuffer[0]);
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
