package dev.vmboot.api.virtio;

import java.nio.ByteBuffer;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A descriptor chain the driver made available, already walked and checked (virtio 1.2, 2.7.5 and 2.7.5.3): its
 * device-readable buffers, then its device-writable ones. The buffers of each kind form one byte sequence that the
 * accessors address by offset, whatever the number of descriptors; every access stays inside them, so a device
 * cannot touch memory the driver did not hand it. Return the chain with {@link Virtqueue#addUsed} exactly once.
 * <p>
 * The driver may change the bytes of the buffers while the device reads them (it owns the memory): read each field
 * once, into a local, and check the copy.
 */
@ProviderType
public interface DescriptorChain {

    /** The index of the chain's first descriptor in the descriptor table: what {@code addUsed} takes back. */
    int headIndex();

    /** The device-readable buffers, in chain order. */
    List<Descriptor> readable();

    /** The device-writable buffers, in chain order. */
    List<Descriptor> writable();

    /** Total bytes of the readable buffers. */
    long readableBytes();

    /** Total bytes of the writable buffers (fits in 32 bits, virtio 1.2, 2.7.5.2). */
    long writableBytes();

    /**
     * Copies {@code dst.remaining()} bytes of the readable sequence from {@code offset} into {@code dst}.
     *
     * @throws IndexOutOfBoundsException if the range is not inside the readable bytes
     */
    void read(long offset, ByteBuffer dst);

    /**
     * Copies {@code src.remaining()} bytes into the writable sequence at {@code offset}.
     *
     * @throws IndexOutOfBoundsException if the range is not inside the writable bytes
     */
    void write(long offset, ByteBuffer src);

    /**
     * Views of guest memory holding {@code length} readable bytes from {@code offset}, one buffer per piece (for
     * scatter-gather I/O without a copy, {@code FileChannel.write(ByteBuffer[])}). Read-only buffers; valid until the
     * chain is returned.
     */
    ByteBuffer[] readableBuffers(long offset, long length);

    /**
     * Views of guest memory for {@code length} writable bytes from {@code offset}, one buffer per piece (for
     * {@code FileChannel.read(ByteBuffer[])} straight into guest RAM). Valid until the chain is returned.
     */
    ByteBuffer[] writableBuffers(long offset, long length);
}
