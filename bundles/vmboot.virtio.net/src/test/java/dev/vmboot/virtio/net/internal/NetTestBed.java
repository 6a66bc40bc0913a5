package dev.vmboot.virtio.net.internal;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

import dev.vmboot.api.memory.MemoryRegion;
import dev.vmboot.api.virtio.VirtioActivation;
import dev.vmboot.api.virtio.VirtioFeatures;
import dev.vmboot.api.virtio.VirtqueueBrokenException;
import dev.vmboot.memory.RegionGuestMemory;
import dev.vmboot.testkit.MockDriverQueue;
import dev.vmboot.testkit.MockDriverQueue.Buffer;
import dev.vmboot.testkit.RecordingVirtioInterrupt;
import dev.vmboot.virtio.DeviceCounters;
import dev.vmboot.virtio.InvalidQueueLayoutException;
import dev.vmboot.virtio.QueueLayout;
import dev.vmboot.virtio.SplitVirtqueue;

/**
 * A guest with a virtio-net device over a tap, for device tests: 4 MiB of RAM on the heap (thread-safe: the device's
 * receive thread writes it while the test reads), the driver's receive queue at {@link #RX_BASE} and transmit queue at
 * {@link #TX_BASE} ({@link MockDriverQueue}), a {@link RecordingVirtioInterrupt}, and buffers allocated from
 * {@link #BUFFERS} on. {@link #transmit()} plays the transmit worker; {@link #offerRx()} the driver's receive kick.
 */
final class NetTestBed implements AutoCloseable {
    static final long RAM = 4L << 20;
    static final long RX_BASE = 0x1000;
    static final long TX_BASE = 0x8000;
    static final long BUFFERS = 0x10000;
    static final int QUEUE_SIZE = 16;

    static final long VERSION_1 = VirtioFeatures.bit(VirtioFeatures.VERSION_1);
    static final long MRG_RXBUF = VirtioFeatures.bit(VirtioNet.F_MRG_RXBUF);
    static final long CSUM = VirtioFeatures.bit(VirtioNet.F_CSUM);
    static final long GUEST_CSUM = VirtioFeatures.bit(VirtioNet.F_GUEST_CSUM);
    static final long HOST_TSO4 = VirtioFeatures.bit(VirtioNet.F_HOST_TSO4);

    final RegionGuestMemory memory = RegionGuestMemory.onHeap(new MemoryRegion(0, RAM, false));
    final RecordingVirtioInterrupt interrupt = new RecordingVirtioInterrupt();
    final TapDevice tap;
    final VirtioNet device;
    MockDriverQueue rx;
    MockDriverQueue tx;
    private long next = BUFFERS;

    /** A device over {@code tap} (frames wait {@code bufferWaitMillis} for receive buffers), activated. */
    NetTestBed(TapDevice tap, long bufferWaitMillis, long features) throws Exception {
        this.tap = tap;
        NetOptions options = NetOptions.parse(java.util.Map.of("tap", tap.name(), "mac", "52:54:00:12:34:56"));
        device = new VirtioNet(options, tap, true, bufferWaitMillis, new DeviceCounters<>(NetCounter.class));
        activate(features);
    }

    /** (Re)activates the device with fresh queues. */
    void activate(long features) throws Exception {
        rx = MockDriverQueue.at(memory, QUEUE_SIZE, RX_BASE);
        tx = MockDriverQueue.at(memory, QUEUE_SIZE, TX_BASE);
        device.activate(new VirtioActivation(features | VERSION_1, List.of(queue(0, rx, features),
                queue(1, tx, features)), interrupt, memory));
    }

    private SplitVirtqueue queue(int index, MockDriverQueue d, long features) {
        try {
            return SplitVirtqueue.create(index, new QueueLayout(d.size(), d.descriptorTable(), d.availableRing(),
                    d.usedRing()), memory, features | VERSION_1);
        } catch (InvalidQueueLayoutException e) {
            throw new AssertionError(e);
        }
    }

    /** The transmit worker's call after a kick; returns what the device used. */
    List<MockDriverQueue.UsedElement> transmit() throws VirtqueueBrokenException {
        device.queueNotified(VirtioNet.TX_QUEUE);
        return tx.takeUsed();
    }

    /** Publishes the receive buffers offered so far and kicks, as a driver refilling its receive queue. */
    void offerRx() throws VirtqueueBrokenException {
        rx.publish();
        device.queueNotified(VirtioNet.RX_QUEUE);
    }

    /** Starts allocating buffers from {@link #BUFFERS} again. */
    void rewind() {
        next = BUFFERS;
    }

    long allocate(int length, byte fill) {
        long at = next;
        if (at + length > RAM) {
            throw new IllegalStateException("test bed RAM used up: rewind");
        }
        next = (at + length + 15) & ~15L;
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, fill);
        memory.write(at, bytes);
        return at;
    }

    Buffer readable(byte[] bytes) {
        long at = allocate(bytes.length, (byte) 0);
        memory.write(at, bytes);
        return Buffer.readable(at, bytes.length);
    }

    Buffer writable(int length) {
        return Buffer.writable(allocate(length, (byte) 0xEE), length);
    }

    byte[] bytes(Buffer b, int length) {
        return memory.read(b.address(), length);
    }

    long counter(String name) {
        Long value = device.counters().get(name);
        if (value == null) {
            throw new AssertionError("no counter " + name + " in " + device.counters().keySet());
        }
        return value;
    }

    /** A transmit header: flags, gso type and size, checksum start and offset. */
    static byte[] header(int flags, int gsoType, int gsoSize, int csumStart, int csumOffset) {
        ByteBuffer b = ByteBuffer.allocate(NetHeader.BYTES);
        new NetHeader(flags, gsoType, 0, gsoSize, csumStart, csumOffset, 0).write(b);
        return b.array();
    }

    /** An Ethernet frame of {@code length} bytes: broadcast destination, the test MAC, IPv4, then a pattern. */
    static byte[] frame(int length, int seed) {
        byte[] f = new byte[length];
        for (int i = 0; i < length; i++) {
            f[i] = (byte) (seed + i * 7);
        }
        Arrays.fill(f, 0, 6, (byte) 0xFF);
        System.arraycopy(new byte[] { 0x52, 0x54, 0, 0x12, 0x34, 0x56, 0x08, 0x00 }, 0, f, 6, 8);
        return f;
    }

    /** {@code header} followed by {@code frame}. */
    static byte[] packet(byte[] header, byte[] frame) {
        byte[] p = Arrays.copyOf(header, header.length + frame.length);
        System.arraycopy(frame, 0, p, header.length, frame.length);
        return p;
    }

    @Override
    public void close() {
        device.close();
    }
}
