package dev.vmboot.virtio.net.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.vmboot.api.memory.MemoryRegion;
import dev.vmboot.api.virtio.VirtioActivation;
import dev.vmboot.api.virtio.VirtioFeatures;
import dev.vmboot.memory.RegionGuestMemory;
import dev.vmboot.testkit.HostileDriverMoves;
import dev.vmboot.testkit.MockDriverQueue;
import dev.vmboot.testkit.MockDriverQueue.Buffer;
import dev.vmboot.testkit.MockDriverQueue.UsedElement;
import dev.vmboot.testkit.RecordingVirtioInterrupt;
import dev.vmboot.virtio.DeviceCounters;
import dev.vmboot.virtio.InvalidQueueLayoutException;
import dev.vmboot.virtio.QueueLayout;
import dev.vmboot.virtio.SplitVirtqueue;

/**
 * The receive path under a driver that offers receive chains of any shape (device-readable pieces, buffers too short
 * for a header, empty ones, chains of several pieces, rarely a wild descriptor, a head outside the table or a jump of
 * the available index) while the tap delivers packets of any header and length, from nothing to more than the longest
 * frame. Whatever the driver did: the receive thread reads the tap until it is empty or the queue is broken, and ends
 * when the device closes. With a driver that kept to the rules, every used element is a chain it offered, used once,
 * with no more bytes than the chain can take, and the frames found in them (a header's num_buffers chains each with
 * VIRTIO_NET_F_MRG_RXBUF) are the packets the tap had, in order, some dropped but none changed, their headers' flags
 * cleared unless VIRTIO_NET_F_GUEST_CSUM was negotiated; rx_frames counts them. A normal test run replays the inputs
 * under {@code NetReceiveFuzzTestInputs/frames}; {@code JAZZER_FUZZ=1} fuzzes.
 */
class NetReceiveFuzzTest {
    static final long RAM = 4L << 20;
    static final long QUEUE_BASE = 0x1000;
    static final long BUFFERS = 0x10000;
    /** How long a frame waits for receive buffers here: short, so that frames nobody offers room for go quickly. */
    static final long BUFFER_WAIT_MILLIS = 2;
    /** How long the tap may take to be read empty by a receive thread that is not stuck. */
    static final long DRAIN_MILLIS = 10_000;

    private static final RegionGuestMemory MEMORY = RegionGuestMemory.onHeap(new MemoryRegion(0, RAM, false));

    @FuzzTest(maxDuration = "60s")
    void frames(FuzzedDataProvider data) throws Exception {
        long features = VirtioFeatures.bit(VirtioFeatures.VERSION_1)
                | (data.consumeBoolean() ? VirtioFeatures.bit(VirtioFeatures.RING_EVENT_IDX) : 0)
                | (data.consumeBoolean() ? VirtioFeatures.bit(VirtioNet.F_MRG_RXBUF) : 0)
                | (data.consumeBoolean() ? VirtioFeatures.bit(VirtioNet.F_GUEST_CSUM) : 0);
        int size = 1 << data.consumeInt(0, 4);
        MemoryTap tap = new MemoryTap(true);
        VirtioNet device = new VirtioNet(NetOptions.parse(Map.of("tap", "fuzz0")), tap, true, BUFFER_WAIT_MILLIS,
                new DeviceCounters<>(NetCounter.class));
        MockDriverQueue rx = MockDriverQueue.at(MEMORY, size, QUEUE_BASE);
        MockDriverQueue tx = MockDriverQueue.at(MEMORY, 1, QUEUE_BASE + 0x2000);
        RecordingVirtioInterrupt interrupt = new RecordingVirtioInterrupt();
        device.activate(new VirtioActivation(features, List.of(queue(0, rx, features), queue(1, tx, features)),
                interrupt, MEMORY));
        Driver driver;
        List<byte[]> packets = new ArrayList<>();
        try {
            driver = offer(data, rx, size);
            device.queueNotified(VirtioNet.RX_QUEUE);
            for (int n = data.consumeInt(0, 6); n > 0 && data.remainingBytes() > 0; n--) {
                byte[] header = Arrays.copyOf(data.consumeBytes(NetHeader.BYTES), NetHeader.BYTES);
                int frame = data.consumeBoolean() ? data.consumeInt(0, 1600)
                        : data.consumeInt(0, Transmitter.MAX_FRAME + 100);
                byte[] packet = NetTestBed.packet(header, pattern(frame, packets.size()));
                packets.add(packet);
                tap.inject(packet);
            }
            boolean drained = drain(tap, interrupt);
            if (!drained && driver.keptTheRules) {
                throw new AssertionError("the receive thread left " + tap.waiting() + " packets in the tap");
            }
        } finally {
            device.close();
        }
        if (driver.keptTheRules) {
            check(rx.takeUsed(), driver, packets, VirtioFeatures.has(features, VirtioNet.F_MRG_RXBUF),
                    VirtioFeatures.has(features, VirtioNet.F_GUEST_CSUM), device.counters().get("rx_frames"));
            if (interrupt.signals().stream().anyMatch(s -> s.kind() == RecordingVirtioInterrupt.Kind.NEEDS_RESET)) {
                throw new AssertionError("a driver that kept the rules was told to reset");
            }
        }
    }

    /**
     * Waits until the receive thread read the tap empty, or said the queue is broken (then it has ended and reads no
     * more), at most {@link #DRAIN_MILLIS}.
     */
    private static boolean drain(MemoryTap tap, RecordingVirtioInterrupt interrupt) throws InterruptedException {
        long deadline = System.nanoTime() + DRAIN_MILLIS * 1_000_000;
        while (System.nanoTime() < deadline) {
            if (tap.awaitDrained(20)) {
                return true;
            }
            if (interrupt.signals().stream().anyMatch(s -> s.kind() == RecordingVirtioInterrupt.Kind.NEEDS_RESET)) {
                return false;
            }
        }
        return false;
    }

    /** What the driver offered: each head's buffers, and whether it kept to the rules (no wild writes). */
    private record Driver(Map<Integer, List<Buffer>> chains, boolean keptTheRules) {
    }

    /** Offers receive chains, at most a queue size of descriptors, and publishes them. */
    private static Driver offer(FuzzedDataProvider data, MockDriverQueue rx, int size) {
        Map<Integer, List<Buffer>> chains = new HashMap<>();
        boolean rules = true;
        long next = BUFFERS;
        int descriptors = 0;
        while (descriptors < size && data.consumeBoolean()) {
            List<Buffer> chain = new ArrayList<>();
            int pieces = Math.min(data.consumeInt(1, 3), size - descriptors);
            boolean writing = false; // device-writable pieces follow the device-readable ones (2.7.4.2)
            for (int i = 0; i < pieces; i++) {
                int length = data.consumeBoolean() ? data.consumeInt(0, 2048) : data.consumeInt(0, 70_000);
                writing |= data.consumeInt(0, 7) != 0;
                chain.add(writing ? Buffer.writable(next, length) : Buffer.readable(next, length));
                next = (next + length + 15) & ~15L;
            }
            if (next >= RAM) {
                break;
            }
            descriptors += chain.size();
            chains.put(rx.addChain(chain), chain);
            if (HostileDriverMoves.afterChain(data, rx)) {
                rules = false;
            }
        }
        rx.publish();
        if (HostileDriverMoves.afterPublish(data, rx)) {
            rules = false;
        }
        return new Driver(chains, rules);
    }

    private static void check(List<UsedElement> used, Driver driver, List<byte[]> packets, boolean merge,
            boolean guestChecksums, Long rxFrames) {
        Set<Integer> seen = new HashSet<>();
        for (UsedElement e : used) {
            List<Buffer> chain = driver.chains().get(e.id());
            if (chain == null || !seen.add(e.id())) {
                throw new AssertionError("used element " + e + " is no chain offered, or used twice");
            }
            if (e.length() > writable(chain)) {
                throw new AssertionError("used element " + e + " says more than its chain takes: " + chain);
            }
        }
        int packet = 0;
        int frames = 0;
        for (int i = 0; i < used.size(); i++) {
            if (used.get(i).length() == 0) {
                continue; // a chain given back: unusable, or taken by a frame that was then dropped
            }
            byte[] first = written(driver, used.get(i));
            int count = merge ? ByteBuffer.wrap(first, NetHeader.NUM_BUFFERS_OFFSET, 2).order(ByteOrder.LITTLE_ENDIAN)
                    .getShort() & 0xFFFF : 1;
            if (count < 1 || i + count > used.size()) {
                throw new AssertionError("a frame in " + count + " chains from used element " + i + " of "
                        + used.size());
            }
            long total = 0;
            for (int k = 0; k < count; k++) {
                total += used.get(i + k).length(); // each at most its chain's room, checked above
            }
            ByteBuffer delivered = ByteBuffer.allocate((int) total);
            for (int k = 0; k < count; k++) {
                delivered.put(written(driver, used.get(i + k)));
            }
            byte[] got = delivered.array();
            while (packet < packets.size() && !same(packets.get(packet), got, guestChecksums)) {
                packet++; // dropped (no room, or a buffer the driver made unusable)
            }
            if (packet == packets.size()) {
                throw new AssertionError("a delivered frame of " + got.length
                        + " bytes is none of the tap's, in order");
            }
            packet++;
            frames++;
            i += count - 1;
        }
        if (rxFrames == null || rxFrames != frames) {
            throw new AssertionError("rx_frames " + rxFrames + ", frames found in the used ring " + frames);
        }
    }

    /** The bytes the device wrote for {@code e}: its chain's writable buffers in order, {@code e.length()} of them. */
    private static byte[] written(Driver driver, UsedElement e) {
        ByteBuffer out = ByteBuffer.allocate((int) e.length());
        for (Buffer b : driver.chains().get(e.id())) {
            if (b.writable() && out.hasRemaining()) {
                out.put(MEMORY.read(b.address(), Math.min(b.length(), out.remaining())));
            }
        }
        return out.array();
    }

    /** Whether {@code got} is {@code sent} as the device delivers it: flags cleared unless negotiated, num_buffers set */
    private static boolean same(byte[] sent, byte[] got, boolean guestChecksums) {
        if (sent.length != got.length) {
            return false;
        }
        byte flags = guestChecksums ? sent[0] : 0;
        return got[0] == flags
                && Arrays.equals(sent, 1, NetHeader.NUM_BUFFERS_OFFSET, got, 1, NetHeader.NUM_BUFFERS_OFFSET)
                && Arrays.equals(sent, NetHeader.BYTES, sent.length, got, NetHeader.BYTES, got.length);
    }

    /** {@code length} bytes that differ from packet to packet (any length: shorter than an Ethernet header too). */
    private static byte[] pattern(int length, int seed) {
        byte[] f = new byte[length];
        for (int i = 0; i < length; i++) {
            f[i] = (byte) (seed * 31 + i * 7);
        }
        return f;
    }

    private static long writable(List<Buffer> chain) {
        long sum = 0;
        for (Buffer b : chain) {
            sum += b.writable() ? b.length() : 0;
        }
        return sum;
    }

    private static SplitVirtqueue queue(int index, MockDriverQueue d, long features) {
        try {
            return SplitVirtqueue.create(index, new QueueLayout(d.size(), d.descriptorTable(), d.availableRing(),
                    d.usedRing()), MEMORY, features);
        } catch (InvalidQueueLayoutException e) {
            throw new AssertionError(e);
        }
    }
}
