package dev.vmboot.virtio.net.internal;

import java.util.ArrayList;
import java.util.List;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.vmboot.api.memory.MemoryRegion;
import dev.vmboot.api.virtio.VirtioActivation;
import dev.vmboot.api.virtio.VirtioFeatures;
import dev.vmboot.api.virtio.VirtqueueBrokenException;
import dev.vmboot.memory.RegionGuestMemory;
import dev.vmboot.testkit.MockDriverQueue;
import dev.vmboot.testkit.MockDriverQueue.Buffer;
import dev.vmboot.testkit.MockDriverQueue.RawDescriptor;
import dev.vmboot.testkit.RecordingVirtioInterrupt;
import dev.vmboot.virtio.InvalidQueueLayoutException;
import dev.vmboot.virtio.QueueLayout;
import dev.vmboot.virtio.SplitVirtqueue;

/**
 * The transmit path under a driver that writes any header and frame length, splits frames over descriptors, and
 * rarely writes a wild descriptor, offers a head outside the table or jumps the available index. Only
 * {@link VirtqueueBrokenException} may come out of the device, every notification is served within a bounded number
 * of calls, and every frame that reaches the tap has a header the negotiated features allow (flags only NEEDS_CSUM,
 * a segmentation kind only if negotiated, num_buffers 0) and a length from an Ethernet header to the largest frame.
 * A normal test run replays the inputs under {@code NetTransmitFuzzTestInputs/frames}; {@code JAZZER_FUZZ=1} fuzzes.
 */
class NetTransmitFuzzTest {
    static final long RAM = 1 << 20;
    static final long QUEUE_BASE = 0x1000;
    static final long BUFFERS = 0x10000;

    private static final RegionGuestMemory MEMORY = RegionGuestMemory.onHeap(new MemoryRegion(0, RAM, false));

    @FuzzTest(maxDuration = "60s")
    void frames(FuzzedDataProvider data) throws Exception {
        long features = VirtioFeatures.bit(VirtioFeatures.VERSION_1)
                | (data.consumeBoolean() ? VirtioFeatures.bit(VirtioFeatures.RING_EVENT_IDX) : 0)
                | (data.consumeBoolean() ? VirtioFeatures.bit(VirtioNet.F_CSUM) : 0)
                | (data.consumeBoolean() ? VirtioFeatures.bit(VirtioNet.F_HOST_TSO4) : 0)
                | (data.consumeBoolean() ? VirtioFeatures.bit(VirtioNet.F_HOST_TSO6) : 0);
        int size = 1 << data.consumeInt(0, 4);
        MemoryTap tap = new MemoryTap(true);
        VirtioNet device = NetFactory.create(NetOptions.parse(java.util.Map.of("tap", "fuzz0")), tap);
        MockDriverQueue rx = MockDriverQueue.at(MEMORY, 1, QUEUE_BASE);
        MockDriverQueue tx = MockDriverQueue.at(MEMORY, size, QUEUE_BASE + 0x100);
        device.activate(new VirtioActivation(features, List.of(queue(0, rx, features), queue(1, tx, features)),
                new RecordingVirtioInterrupt(), MEMORY));
        try {
            rounds(data, tx, device, size);
        } finally {
            device.close();
        }
        for (byte[] sent : tap.written()) {
            check(sent, features);
        }
    }

    private static void rounds(FuzzedDataProvider data, MockDriverQueue tx, VirtioNet device, int size) {
        for (int round = data.consumeInt(1, 4); round > 0 && data.remainingBytes() > 0; round--) {
            long next = BUFFERS;
            int descriptors = 0;
            while (data.consumeBoolean() && descriptors < size) {
                List<Buffer> chain = new ArrayList<>();
                byte[] header = data.consumeBytes(NetHeader.BYTES);
                MEMORY.write(next, header);
                chain.add(Buffer.readable(next, header.length));
                next += 64;
                int frame = data.consumeBoolean() ? data.consumeInt(0, 1600)
                        : data.consumeInt(0, Transmitter.MAX_FRAME + 100);
                int pieces = Math.min(data.consumeInt(1, 3), size - descriptors - 1);
                for (int i = 0; i < pieces && frame > 0; i++) {
                    int piece = i == pieces - 1 ? frame : data.consumeInt(0, frame);
                    chain.add(Buffer.readable(next, piece));
                    next = (next + piece + 15) & ~15L;
                    frame -= piece;
                }
                if (next >= RAM) {
                    break;
                }
                descriptors += chain.size();
                tx.addChain(chain);
                if (rarely(data)) {
                    int at = data.consumeInt(0, size - 1);
                    tx.writeDescriptor(at, new RawDescriptor(data.consumeLong(), data.consumeInt(),
                            data.consumeInt(0, 0xFFFF), data.consumeInt(0, 0xFFFF)));
                }
                if (rarely(data)) {
                    tx.offer(data.consumeInt(0, 0xFFFF));
                }
            }
            tx.publish();
            if (rarely(data)) {
                tx.setAvailIndex(data.consumeInt(0, 0xFFFF));
            }
            try {
                for (int call = 0; call < 4 && device.queueNotified(VirtioNet.TX_QUEUE); call++) {
                    // a queue size per call; the ring holds no more than that, so four calls end it
                }
            } catch (VirtqueueBrokenException e) {
                return;
            }
        }
    }

    private static void check(byte[] sent, long features) {
        if (sent.length < NetHeader.BYTES + Transmitter.ETHERNET_HEADER || sent.length > VirtioNet.MAX_PACKET) {
            throw new AssertionError("a frame of " + sent.length + " bytes reached the tap");
        }
        NetHeader h = NetHeader.read(java.nio.ByteBuffer.wrap(sent));
        boolean csum = VirtioFeatures.has(features, VirtioNet.F_CSUM);
        if (h.flags() != 0 && !(h.flags() == NetHeader.F_NEEDS_CSUM && csum)) {
            throw new AssertionError("flags " + h.flags() + " reached the tap");
        }
        boolean gsoOk = switch (h.gsoType()) {
        case NetHeader.GSO_NONE -> true;
        case NetHeader.GSO_TCPV4 -> VirtioFeatures.has(features, VirtioNet.F_HOST_TSO4);
        case NetHeader.GSO_TCPV6 -> VirtioFeatures.has(features, VirtioNet.F_HOST_TSO6);
        default -> false;
        };
        if (!gsoOk || h.numBuffers() != 0) {
            throw new AssertionError("header " + h + " reached the tap");
        }
    }

    private static SplitVirtqueue queue(int index, MockDriverQueue d, long features) {
        try {
            return SplitVirtqueue.create(index, new QueueLayout(d.size(), d.descriptorTable(), d.availableRing(),
                    d.usedRing()), MEMORY, features);
        } catch (InvalidQueueLayoutException e) {
            throw new AssertionError(e);
        }
    }

    private static boolean rarely(FuzzedDataProvider data) {
        return data.consumeInt(0, 15) == 0;
    }
}
