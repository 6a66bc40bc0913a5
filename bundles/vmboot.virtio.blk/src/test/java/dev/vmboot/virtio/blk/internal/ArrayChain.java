package dev.vmboot.virtio.blk.internal;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import dev.vmboot.api.virtio.Descriptor;
import dev.vmboot.api.virtio.DescriptorChain;

/**
 * A descriptor chain over heap arrays, for request parsing tests without rings: the readable buffers, then the
 * writable ones, each a separate array (so accesses across descriptor boundaries are exercised). The device tests use
 * the real {@code SplitVirtqueue} instead.
 */
class ArrayChain implements DescriptorChain {
    private final List<byte[]> readable = new ArrayList<>();
    private final List<byte[]> writable = new ArrayList<>();

    /** Appends a device-readable buffer holding {@code bytes}. */
    ArrayChain readable(byte[] bytes) {
        if (!writable.isEmpty()) {
            throw new IllegalStateException("readable after writable");
        }
        readable.add(bytes);
        return this;
    }

    /** Appends a zero-filled device-writable buffer of {@code length} bytes. */
    ArrayChain writable(int length) {
        writable.add(new byte[length]);
        return this;
    }

    /** The writable bytes as one array, in chain order. */
    byte[] written() {
        return concat(writable);
    }

    @Override
    public int headIndex() {
        return 0;
    }

    @Override
    public List<Descriptor> readable() {
        return descriptors(readable, false);
    }

    @Override
    public List<Descriptor> writable() {
        return descriptors(writable, true);
    }

    @Override
    public long readableBytes() {
        return total(readable);
    }

    @Override
    public long writableBytes() {
        return total(writable);
    }

    @Override
    public void read(long offset, ByteBuffer dst) {
        for (ByteBuffer piece : slices(readable, offset, dst.remaining())) {
            dst.put(piece);
        }
    }

    @Override
    public void write(long offset, ByteBuffer src) {
        for (ByteBuffer piece : slices(writable, offset, src.remaining())) {
            piece.put(src.slice().limit(piece.remaining()));
            src.position(src.position() + piece.capacity());
        }
    }

    @Override
    public ByteBuffer[] readableBuffers(long offset, long length) {
        return slices(readable, offset, length).stream().map(ByteBuffer::asReadOnlyBuffer).toArray(ByteBuffer[]::new);
    }

    @Override
    public ByteBuffer[] writableBuffers(long offset, long length) {
        return slices(writable, offset, length).toArray(ByteBuffer[]::new);
    }

    private static List<ByteBuffer> slices(List<byte[]> arrays, long offset, long length) {
        if (offset < 0 || length < 0 || offset + length > total(arrays)) {
            throw new IndexOutOfBoundsException(offset + "+" + length + " of " + total(arrays));
        }
        List<ByteBuffer> out = new ArrayList<>();
        long skip = offset;
        long left = length;
        for (byte[] a : arrays) {
            if (left == 0) {
                break;
            }
            if (skip >= a.length) {
                skip -= a.length;
                continue;
            }
            int n = (int) Math.min(a.length - skip, left);
            out.add(ByteBuffer.wrap(a, (int) skip, n).slice());
            left -= n;
            skip = 0;
        }
        return out;
    }

    private static List<Descriptor> descriptors(List<byte[]> arrays, boolean writable) {
        List<Descriptor> out = new ArrayList<>();
        long address = writable ? 0x10_0000 : 0;
        for (byte[] a : arrays) {
            out.add(new Descriptor(address, a.length, writable));
            address += a.length;
        }
        return out;
    }

    private static long total(List<byte[]> arrays) {
        return arrays.stream().mapToLong(a -> a.length).sum();
    }

    private static byte[] concat(List<byte[]> arrays) {
        ByteBuffer all = ByteBuffer.allocate((int) total(arrays));
        arrays.forEach(all::put);
        return all.array();
    }
}
