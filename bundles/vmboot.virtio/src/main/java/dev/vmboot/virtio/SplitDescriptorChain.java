package dev.vmboot.virtio;

import java.nio.ByteBuffer;
import java.util.List;

import dev.vmboot.api.virtio.Descriptor;
import dev.vmboot.api.virtio.DescriptorChain;

/**
 * A descriptor chain that {@link ChainWalker} walked and checked: copies of its descriptors (the driver rewriting the
 * table afterwards changes nothing here) split into the readable and the writable byte sequence. Immutable; its
 * accessors may be used from any thread, though a device uses a chain on the thread that popped it.
 */
final class SplitDescriptorChain implements DescriptorChain {

    private final int headIndex;
    private final BufferSequence readable;
    private final BufferSequence writable;

    SplitDescriptorChain(int headIndex, BufferSequence readable, BufferSequence writable) {
        this.headIndex = headIndex;
        this.readable = readable;
        this.writable = writable;
    }

    @Override
    public int headIndex() {
        return headIndex;
    }

    @Override
    public List<Descriptor> readable() {
        return readable.buffers();
    }

    @Override
    public List<Descriptor> writable() {
        return writable.buffers();
    }

    @Override
    public long readableBytes() {
        return readable.bytes();
    }

    @Override
    public long writableBytes() {
        return writable.bytes();
    }

    @Override
    public void read(long offset, ByteBuffer dst) {
        readable.read(offset, dst);
    }

    @Override
    public void write(long offset, ByteBuffer src) {
        writable.write(offset, src);
    }

    @Override
    public ByteBuffer[] readableBuffers(long offset, long length) {
        return readable.views(offset, length);
    }

    @Override
    public ByteBuffer[] writableBuffers(long offset, long length) {
        return writable.views(offset, length);
    }

    @Override
    public String toString() {
        return "descriptor chain at head " + headIndex + ": readable " + readable() + ", writable " + writable();
    }
}
