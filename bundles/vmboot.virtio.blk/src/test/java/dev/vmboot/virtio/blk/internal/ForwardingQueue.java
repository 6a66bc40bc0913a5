package dev.vmboot.virtio.blk.internal;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;

import dev.vmboot.api.virtio.Descriptor;
import dev.vmboot.api.virtio.DescriptorChain;
import dev.vmboot.api.virtio.InvalidChainException;
import dev.vmboot.api.virtio.Virtqueue;
import dev.vmboot.api.virtio.VirtqueueBrokenException;

/** A {@link Virtqueue} that forwards to the real one; tests override a method to add a driver's or a fault's move. */
class ForwardingQueue implements Virtqueue {
    final Virtqueue queue;

    ForwardingQueue(Virtqueue queue) {
        this.queue = queue;
    }

    @Override
    public int index() {
        return queue.index();
    }

    @Override
    public int size() {
        return queue.size();
    }

    @Override
    public Optional<DescriptorChain> pop() throws InvalidChainException, VirtqueueBrokenException {
        return queue.pop();
    }

    @Override
    public void addUsed(int headIndex, long bytesWritten) {
        queue.addUsed(headIndex, bytesWritten);
    }

    @Override
    public void addUsed(int[] headIndices, long[] bytesWritten, int count) {
        queue.addUsed(headIndices, bytesWritten, count);
    }

    @Override
    public void disableNotification() {
        queue.disableNotification();
    }

    @Override
    public boolean enableNotification() {
        return queue.enableNotification();
    }

    @Override
    public boolean needsNotification() {
        return queue.needsNotification();
    }

    /** A {@link DescriptorChain} that forwards to the real one. */
    static class ForwardingChain implements DescriptorChain {
        final DescriptorChain chain;

        ForwardingChain(DescriptorChain chain) {
            this.chain = chain;
        }

        @Override
        public int headIndex() {
            return chain.headIndex();
        }

        @Override
        public List<Descriptor> readable() {
            return chain.readable();
        }

        @Override
        public List<Descriptor> writable() {
            return chain.writable();
        }

        @Override
        public long readableBytes() {
            return chain.readableBytes();
        }

        @Override
        public long writableBytes() {
            return chain.writableBytes();
        }

        @Override
        public void read(long offset, ByteBuffer dst) {
            chain.read(offset, dst);
        }

        @Override
        public void write(long offset, ByteBuffer src) {
            chain.write(offset, src);
        }

        @Override
        public ByteBuffer[] readableBuffers(long offset, long length) {
            return chain.readableBuffers(offset, length);
        }

        @Override
        public ByteBuffer[] writableBuffers(long offset, long length) {
            return chain.writableBuffers(offset, length);
        }
    }
}
