package dev.vmboot.virtio.blk.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import dev.vmboot.api.memory.MemoryRegion;
import dev.vmboot.api.virtio.VirtioActivation;
import dev.vmboot.api.virtio.VirtioFeatures;
import dev.vmboot.api.virtio.Virtqueue;
import dev.vmboot.api.virtio.VirtqueueBrokenException;
import dev.vmboot.memory.RegionGuestMemory;
import dev.vmboot.testkit.MockDriverQueue;
import dev.vmboot.testkit.MockDriverQueue.Buffer;
import dev.vmboot.testkit.MockDriverQueue.UsedElement;
import dev.vmboot.testkit.RecordingVirtioInterrupt;
import dev.vmboot.virtio.InvalidQueueLayoutException;
import dev.vmboot.virtio.QueueLayout;
import dev.vmboot.virtio.SplitVirtqueue;

/**
 * A guest with a virtio-blk device, for device tests: 4 MiB of RAM on the heap, the driver's queue at
 * {@link #QUEUE_BASE} ({@link MockDriverQueue}), the device's {@link SplitVirtqueue} over it, a
 * {@link RecordingVirtioInterrupt}, and request buffers allocated from {@link #BUFFERS} on. {@link #serve()} plays
 * the queue's worker: one {@code queueNotified(0)}, then the used elements.
 */
final class BlkTestBed implements AutoCloseable {
    static final long RAM = 4L << 20;
    static final long QUEUE_BASE = 0x1000;
    static final long TABLES = 0x8000;
    static final long BUFFERS = 0x10000;

    static final long INDIRECT = VirtioFeatures.bit(VirtioFeatures.RING_INDIRECT_DESC);
    static final long EVENT_IDX = VirtioFeatures.bit(VirtioFeatures.RING_EVENT_IDX);
    static final long VERSION_1 = VirtioFeatures.bit(VirtioFeatures.VERSION_1);
    static final long FLUSH = VirtioFeatures.bit(VirtioBlk.F_FLUSH);

    // virtio 1.2, 5.2.6: request types and statuses as a driver writes and reads them
    static final int T_IN = 0;
    static final int T_OUT = 1;
    static final int T_FLUSH = 4;
    static final int T_GET_ID = 8;
    static final int T_DISCARD = 11;
    static final int T_WRITE_ZEROES = 13;
    static final byte S_OK = 0;
    static final byte S_IOERR = 1;
    static final byte S_UNSUPP = 2;
    /** What a status byte holds before the device writes it. */
    static final byte S_UNWRITTEN = (byte) 0xEE;

    final RegionGuestMemory memory = RegionGuestMemory.onHeap(new MemoryRegion(0, RAM, false));
    final RecordingVirtioInterrupt interrupt = new RecordingVirtioInterrupt();
    final VirtioBlk device;
    MockDriverQueue driver;
    SplitVirtqueue queue;
    private long next = BUFFERS;
    private boolean indirect;
    private int descriptorsInFlight;

    /** A device over {@code image} with {@code options} (path added), activated with a queue of {@code size}. */
    BlkTestBed(Path image, Map<String, String> options, int size, long features) throws IOException {
        Map<String, String> all = new HashMap<>(options);
        all.put("path", image.toString());
        device = (VirtioBlk) new BlkFactory(new ImageStorage()).create(all);
        activate(size, features, UnaryOperator.identity());
    }

    /** (Re)activates the device with a fresh queue of {@code size}, seen by the device through {@code wrap}. */
    void activate(int size, long features, UnaryOperator<Virtqueue> wrap) throws IOException {
        driver = MockDriverQueue.at(memory, size, QUEUE_BASE);
        try {
            queue = SplitVirtqueue.create(0, new QueueLayout(size, driver.descriptorTable(), driver.availableRing(),
                    driver.usedRing()), memory, features | VERSION_1);
        } catch (InvalidQueueLayoutException e) {
            throw new AssertionError(e);
        }
        indirect = VirtioFeatures.has(features, VirtioFeatures.RING_INDIRECT_DESC);
        descriptorsInFlight = 0;
        device.activate(new VirtioActivation(features | VERSION_1, List.of(wrap.apply(queue)), interrupt, memory));
    }

    /** {@code queueNotified(0)} as the worker calls it, then what the device used since the last call. */
    List<UsedElement> serve() throws VirtqueueBrokenException {
        device.queueNotified(0);
        descriptorsInFlight = 0; // a synchronous device has used everything it took
        return driver.takeUsed();
    }

    /** Starts allocating buffers from {@link #BUFFERS} again: every earlier request must have been served. */
    void rewind() {
        next = BUFFERS;
    }

    /** {@code length} bytes of guest RAM, 8-aligned, filled with {@code fill}. */
    long allocate(int length, byte fill) {
        long at = next;
        if (at + length > RAM) {
            throw new IllegalStateException("test bed RAM used up: rewind between batches");
        }
        next = (at + length + 7) & ~7L;
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, fill);
        memory.write(at, bytes);
        return at;
    }

    /** A readable {@code struct virtio_blk_req} header. */
    Buffer header(int type, long sector) {
        return readable(ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putInt(type).putInt(0)
                .putLong(sector).array());
    }

    /** A readable {@code struct virtio_blk_discard_write_zeroes}. */
    Buffer segment(long sector, int sectors, int flags) {
        return readable(ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(sector).putInt(sectors)
                .putInt(flags).array());
    }

    Buffer readable(byte[] bytes) {
        long at = allocate(bytes.length, (byte) 0);
        memory.write(at, bytes);
        return Buffer.readable(at, bytes.length);
    }

    /** A writable buffer pre-filled with {@link #S_UNWRITTEN}, so a test sees what the device wrote. */
    Buffer writable(int length) {
        return Buffer.writable(allocate(length, S_UNWRITTEN), length);
    }

    /** Readable buffers holding {@code data} cut at {@code cuts} (offsets into it). */
    List<Buffer> readablePieces(byte[] data, int... cuts) {
        List<Buffer> out = new ArrayList<>();
        int from = 0;
        for (int cut : cuts) {
            out.add(readable(Arrays.copyOfRange(data, from, cut)));
            from = cut;
        }
        out.add(readable(Arrays.copyOfRange(data, from, data.length)));
        return out;
    }

    /** Writable buffers of {@code lengths}. */
    List<Buffer> writablePieces(int... lengths) {
        List<Buffer> out = new ArrayList<>();
        for (int length : lengths) {
            out.add(writable(length));
        }
        return out;
    }

    /**
     * Offers a chain of {@code parts} (buffers or lists of them), published at once; returns the head. The chain is
     * direct while the queue has descriptors left for it, else indirect (one descriptor) if the driver took
     * VIRTIO_F_RING_INDIRECT_DESC: the driver never has more descriptors in flight than the queue size.
     *
     * @throws IllegalStateException if the queue has no descriptor left: {@link #serve()} first
     */
    int submit(Object... parts) {
        List<Buffer> chain = flatten(parts);
        int head;
        if (descriptorsInFlight + chain.size() <= driver.size()) {
            head = driver.addChain(chain);
            descriptorsInFlight += chain.size();
        } else if (indirect && descriptorsInFlight < driver.size()) {
            next = (next + 15) & ~15L;
            long table = allocate(MockDriverQueue.DESCRIPTOR_BYTES * chain.size(), (byte) 0);
            head = driver.addIndirectChain(table, chain.toArray(Buffer[]::new));
            descriptorsInFlight++;
        } else {
            throw new IllegalStateException("no descriptor left for a chain of " + chain.size() + ": serve first");
        }
        driver.publish();
        return head;
    }

    /** Descriptors not in flight: chains up to this long can still be submitted direct. */
    int freeDescriptors() {
        return driver.size() - descriptorsInFlight;
    }

    static List<Buffer> flatten(Object... parts) {
        List<Buffer> chain = new ArrayList<>();
        for (Object p : parts) {
            if (p instanceof Buffer b) {
                chain.add(b);
            } else {
                for (Object o : (List<?>) p) {
                    chain.add((Buffer) o);
                }
            }
        }
        return chain;
    }

    /** The bytes a guest buffer holds now. */
    byte[] bytes(Buffer b) {
        return memory.read(b.address(), b.length());
    }

    /** The bytes of several guest buffers, joined. */
    byte[] bytes(List<Buffer> buffers) {
        ByteBuffer all = ByteBuffer.allocate(buffers.stream().mapToInt(Buffer::length).sum());
        buffers.forEach(b -> all.put(bytes(b)));
        return all.array();
    }

    /** The status byte: the last byte of {@code status}. */
    byte status(Buffer status) {
        return memory.readByte(status.address() + status.length() - 1);
    }

    long counter(String name) {
        Long value = device.counters().get(name);
        if (value == null) {
            throw new AssertionError("no counter " + name + " in " + device.counters().keySet());
        }
        return value;
    }

    @Override
    public void close() {
        device.close();
    }
}
