package dev.vmboot.virtio.net.internal;

import static dev.vmboot.virtio.net.internal.NetTestBed.CSUM;
import static dev.vmboot.virtio.net.internal.NetTestBed.GUEST_CSUM;
import static dev.vmboot.virtio.net.internal.NetTestBed.HOST_TSO4;
import static dev.vmboot.virtio.net.internal.NetTestBed.MRG_RXBUF;
import static dev.vmboot.virtio.net.internal.NetTestBed.frame;
import static dev.vmboot.virtio.net.internal.NetTestBed.header;
import static dev.vmboot.virtio.net.internal.NetTestBed.packet;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.vmboot.api.virtio.VirtioFeatures;
import dev.vmboot.testkit.MockDriverQueue.Buffer;
import dev.vmboot.testkit.MockDriverQueue.RawDescriptor;
import dev.vmboot.testkit.MockDriverQueue.UsedElement;

/**
 * virtio-net (virtio 1.2, 5.1) through the driver fixture over a memory tap: what the guest sends reaches the tap,
 * what the tap has reaches the guest, and every hostile chain, header and buffer is dropped and counted, after which
 * a good frame still goes through.
 */
class VirtioNetTest {
    private static final long WAIT = 5_000;
    private static final byte[] PLAIN = header(0, NetHeader.GSO_NONE, 0, 0, 0);

    private final MemoryTap tap = new MemoryTap(true);
    private NetTestBed bed;

    @AfterEach
    void close() {
        if (bed != null) {
            bed.close();
        }
    }

    private NetTestBed bed(long features) throws Exception {
        bed = new NetTestBed(tap, 200, features);
        return bed;
    }

    @Test
    void theDeviceIsANetworkCardWithTwoQueuesItsMacAndTheLinkUp() throws Exception {
        NetTestBed b = bed(0);
        assertEquals(1, b.device.deviceType());
        assertEquals(2, b.device.queueMaxSizes().length);
        assertArrayEquals(new byte[] { 0x52, 0x54, 0, 0x12, 0x34, 0x56, 1, 0, 1, 0 }, b.device.configSpace());
        long f = b.device.deviceFeatures();
        for (int bit : new int[] { VirtioNet.F_MAC, VirtioNet.F_STATUS, VirtioNet.F_MRG_RXBUF, VirtioNet.F_CSUM,
                VirtioNet.F_GUEST_CSUM, VirtioNet.F_HOST_TSO4, VirtioNet.F_GUEST_TSO6 }) {
            assertTrue(VirtioFeatures.has(f, bit), "bit " + bit);
        }
        VirtioNet plain = NetFactory.create(NetOptions.parse(Map.of("tap", "t")), new MemoryTap(false));
        assertFalse(VirtioFeatures.has(plain.deviceFeatures(), VirtioNet.F_CSUM), "no offloads the tap refuses");
        assertTrue(VirtioFeatures.has(plain.deviceFeatures(), VirtioNet.F_MRG_RXBUF));
        plain.close();
    }

    @Test
    void theTapIsToldTheOffloadsTheGuestAcceptedAndNoneAfterReset() throws Exception {
        NetTestBed b = bed(CSUM | GUEST_CSUM | VirtioFeatures.bit(VirtioNet.F_GUEST_TSO4));
        assertEquals(List.of(TapDevice.TUN_F_CSUM | TapDevice.TUN_F_TSO4), tap.offloads());
        b.device.reset();
        assertEquals(List.of(TapDevice.TUN_F_CSUM | TapDevice.TUN_F_TSO4, 0), tap.offloads());
    }

    @Test
    void aFrameOverSeveralDescriptorsReachesTheTapWhole() throws Exception {
        NetTestBed b = bed(0);
        byte[] frame = frame(1514, 3);
        b.tx.addChain(b.readable(PLAIN), b.readable(Arrays.copyOf(frame, 100)),
                b.readable(Arrays.copyOfRange(frame, 100, 1514)));
        b.tx.publish();
        List<UsedElement> used = b.transmit();
        assertEquals(1, used.size());
        assertEquals(0, used.get(0).length(), "transmit buffers are only read");
        assertEquals(1, tap.written().size());
        assertArrayEquals(packet(PLAIN, frame), tap.written().get(0));
        assertEquals(1, b.counter("tx_frames"));
        assertEquals(1514, b.counter("tx_bytes"));
        assertEquals(1, b.interrupt.queueSignals(VirtioNet.TX_QUEUE));
    }

    @Test
    void hostileTransmitChainsAreDroppedAndCountedAndTheNextFrameIsSent() throws Exception {
        NetTestBed b = bed(CSUM);
        b.tx.addChain(b.readable(PLAIN));                                             // a zero-length frame
        b.tx.addChain(b.readable(new byte[5]));                                       // shorter than the header
        b.tx.addChain(b.readable(new byte[0]), b.writable(64));                       // nothing readable
        b.tx.addChain(b.readable(PLAIN), b.readable(new byte[Transmitter.MAX_FRAME + 1])); // oversized
        b.tx.addChain(b.readable(header(NetHeader.F_DATA_VALID, 0, 0, 0, 0)), b.readable(frame(60, 1)));
        b.tx.addChain(b.readable(header(NetHeader.F_NEEDS_CSUM, 0, 0, 50, 9)), b.readable(frame(60, 1))); // 61 > 60
        b.tx.addChain(b.readable(header(NetHeader.F_NEEDS_CSUM, NetHeader.GSO_TCPV4, 1448, 34, 16)),
                b.readable(frame(60, 1)));                                            // TSO not negotiated
        b.tx.addChain(b.readable(header(0, NetHeader.GSO_UDP, 1448, 0, 0)), b.readable(frame(60, 1)));
        int bad = b.tx.allocateDescriptor();                                          // a buffer past RAM
        b.tx.writeDescriptor(bad, new RawDescriptor(NetTestBed.RAM - 4, 64, 0, 0));
        b.tx.offer(bad);
        b.tx.offer(NetTestBed.QUEUE_SIZE + 3);                                        // a head outside the table
        b.tx.publish();
        List<UsedElement> used = b.transmit();
        assertEquals(9, used.size(), "every chain with a head in the table goes back");
        assertEquals(List.of(), tap.written());
        assertEquals(3, b.counter("tx_dropped_short"));
        assertEquals(1, b.counter("tx_dropped_oversized"));
        assertEquals(4, b.counter("tx_dropped_bad_header"));
        assertEquals(1, b.counter("invalid_chain_address"));
        assertEquals(1, b.counter("invalid_chain_index"));

        byte[] good = frame(60, 9);
        byte[] csum = header(NetHeader.F_NEEDS_CSUM, 0, 0, 34, 16);
        b.tx.addChain(b.readable(csum), b.readable(good));
        b.tx.publish();
        assertEquals(1, b.transmit().size());
        assertEquals(1, tap.written().size());
        assertArrayEquals(packet(csum, good), tap.written().get(0));
    }

    @Test
    void theHeaderGoesToTheTapAsCheckedNotAsTheGuestRewritesIt() throws Exception {
        NetTestBed b = bed(CSUM | HOST_TSO4);
        byte[] tso = header(NetHeader.F_NEEDS_CSUM, NetHeader.GSO_TCPV4, 1448, 34, 16);
        tso[NetHeader.NUM_BUFFERS_OFFSET] = 7; // num_buffers means nothing on transmit: sent as 0
        b.tx.addChain(b.readable(tso), b.readable(frame(3000, 2)));
        b.tx.publish();
        b.transmit();
        byte[] sent = tap.written().get(0);
        assertEquals(0, sent[NetHeader.NUM_BUFFERS_OFFSET]);
        assertEquals(NetHeader.GSO_TCPV4, sent[1]);
        assertEquals(3000 + NetHeader.BYTES, sent.length);
    }

    @Test
    void aReceivedFrameFillsOneBufferWithItsHeader() throws Exception {
        NetTestBed b = bed(MRG_RXBUF);
        Buffer rx = b.writable(2048);
        int head = b.rx.addChain(rx);
        b.offerRx();
        byte[] frame = frame(1000, 5);
        tap.inject(packet(PLAIN, frame));
        List<UsedElement> used = awaitRxUsed(b, 1);
        assertEquals(List.of(new UsedElement(head, 1012)), used);
        byte[] expected = packet(header(0, 0, 0, 0, 0), frame);
        expected[NetHeader.NUM_BUFFERS_OFFSET] = 1;
        assertArrayEquals(expected, b.bytes(rx, 1012));
        assertEquals(1, b.counter("rx_frames"));
        assertEquals(1000, b.counter("rx_bytes"));
        assertTrue(b.interrupt.awaitQueueSignals(VirtioNet.RX_QUEUE, 1, java.time.Duration.ofSeconds(5)));
    }

    @Test
    void withMergeableBuffersAFrameSpansSeveralAndIsPublishedTogether() throws Exception {
        NetTestBed b = bed(MRG_RXBUF);
        Buffer[] bufs = { b.writable(512), b.writable(512), b.writable(512), b.writable(512) };
        for (Buffer x : bufs) {
            b.rx.addChain(x);
        }
        b.offerRx();
        byte[] frame = frame(1400, 8);
        tap.inject(packet(PLAIN, frame));
        List<UsedElement> used = awaitRxUsed(b, 3);
        assertEquals(List.of(new UsedElement(0, 512), new UsedElement(1, 512), new UsedElement(2, 388)), used);
        assertEquals(3, b.memory.readShort(bufs[0].address() + NetHeader.NUM_BUFFERS_OFFSET));
        byte[] got = new byte[1412];
        System.arraycopy(b.bytes(bufs[0], 512), 0, got, 0, 512);
        System.arraycopy(b.bytes(bufs[1], 512), 0, got, 512, 512);
        System.arraycopy(b.bytes(bufs[2], 388), 0, got, 1024, 388);
        assertArrayEquals(frame, Arrays.copyOfRange(got, NetHeader.BYTES, got.length));
        assertEquals(3, b.counter("rx_buffers"));
    }

    @Test
    void withoutMergeableBuffersAFrameLargerThanTheBufferIsDropped() throws Exception {
        NetTestBed b = bed(0);
        b.rx.addChain(b.writable(256));
        Buffer big = b.writable(2048);
        b.rx.addChain(big);
        b.offerRx();
        tap.inject(packet(PLAIN, frame(1000, 1)));
        tap.inject(packet(PLAIN, frame(100, 2)));
        List<UsedElement> used = awaitRxUsed(b, 2);
        assertEquals(List.of(new UsedElement(0, 0), new UsedElement(1, 112)), used);
        assertEquals(1, b.counter("rx_dropped_too_big"));
        assertEquals(1, b.counter("rx_frames"));
    }

    @Test
    void zeroLengthAndHeaderlessReceiveBuffersGoBackEmptyAndTheFrameTakesTheNextGoodOne() throws Exception {
        NetTestBed b = bed(MRG_RXBUF);
        b.rx.addChain(b.readable(new byte[64]));   // no writable byte
        b.rx.addChain(b.writable(0));              // a zero-length buffer
        b.rx.addChain(b.writable(6));              // too small for the header
        Buffer good = b.writable(2048);
        b.rx.addChain(good);
        b.offerRx();
        tap.inject(packet(PLAIN, frame(64, 4)));
        List<UsedElement> used = awaitRxUsed(b, 4);
        assertEquals(List.of(new UsedElement(0, 0), new UsedElement(1, 0), new UsedElement(2, 0),
                new UsedElement(3, 76)), used);
        assertEquals(3, b.counter("rx_bad_buffers"));
        assertEquals(1, b.counter("rx_frames"));
    }

    @Test
    void aQueueFullOfUnusableBuffersCostsOneFrameNotALoop() throws Exception {
        NetTestBed b = bed(MRG_RXBUF);
        for (int i = 0; i < NetTestBed.QUEUE_SIZE; i++) {
            b.rx.addChain(b.writable(0));
        }
        b.offerRx();
        tap.inject(packet(PLAIN, frame(64, 4)));
        awaitRxUsed(b, NetTestBed.QUEUE_SIZE);
        assertEquals(NetTestBed.QUEUE_SIZE, b.counter("rx_bad_buffers"));
        awaitCounter(b, "rx_dropped_bad_buffers", 1);
        b.rewind();
        Buffer good = b.writable(2048);
        b.rx.addChain(good);
        b.offerRx();
        tap.inject(packet(PLAIN, frame(80, 4)));
        assertEquals(List.of(new UsedElement(0, 92)), awaitRxUsed(b, 1));
    }

    @Test
    void withNoReceiveBufferFramesWaitABoundedTimeThenAreDroppedAndCounted() throws Exception {
        NetTestBed b = bed(MRG_RXBUF);
        for (int i = 0; i < 5; i++) {
            tap.inject(packet(PLAIN, frame(100, i)));
        }
        assertTrue(tap.awaitDrained(WAIT), "the device keeps reading the tap");
        awaitCounter(b, "rx_dropped_no_buffer", 5);
        assertEquals(0, b.counter("rx_frames"));
        Buffer good = b.writable(2048);
        b.rx.addChain(good);
        b.offerRx();
        byte[] frame = frame(100, 77);
        tap.inject(packet(PLAIN, frame));
        assertEquals(List.of(new UsedElement(0, 112)), awaitRxUsed(b, 1));
        assertArrayEquals(frame, Arrays.copyOfRange(b.bytes(good, 112), NetHeader.BYTES, 112));
    }

    @Test
    void aFrameWaitingForBuffersIsDeliveredWhenTheDriverOffersThemInTime() throws Exception {
        bed = new NetTestBed(tap, 10_000, MRG_RXBUF);
        tap.inject(packet(PLAIN, frame(100, 1)));
        awaitCounter(bed, "rx_waits", 1);
        Buffer good = bed.writable(2048);
        bed.rx.addChain(good);
        bed.offerRx();
        assertEquals(List.of(new UsedElement(0, 112)), awaitRxUsed(bed, 1));
        assertEquals(0, bed.counter("rx_dropped_no_buffer"));
    }

    @Test
    void oversizedAndRuntFramesFromTheTapAreDropped() throws Exception {
        NetTestBed b = bed(MRG_RXBUF);
        tap.inject(new byte[VirtioNet.MAX_PACKET + 1]);
        tap.inject(new byte[NetHeader.BYTES + 3]);
        assertTrue(tap.awaitDrained(WAIT));
        awaitCounter(b, "rx_dropped_bad_length", 2);
        Buffer good = b.writable(2048);
        b.rx.addChain(good);
        b.offerRx();
        tap.inject(packet(PLAIN, frame(60, 1)));
        assertEquals(List.of(new UsedElement(0, 72)), awaitRxUsed(b, 1));
    }

    @Test
    void withoutGuestChecksumsTheTapsFlagsAreCleared() throws Exception {
        NetTestBed b = bed(MRG_RXBUF);
        Buffer good = b.writable(2048);
        b.rx.addChain(good);
        b.offerRx();
        tap.inject(packet(header(NetHeader.F_DATA_VALID, 0, 0, 0, 0), frame(60, 1)));
        awaitRxUsed(b, 1);
        assertEquals(0, b.memory.readByte(good.address()), "flags (5.1.6.4.1)");
    }

    @Test
    void resetEndsTheReceiveThreadAndNothingIsDeliveredAfterIt() throws Exception {
        NetTestBed b = bed(MRG_RXBUF);
        assertTrue(receiveThreadRunning());
        Buffer buf = b.writable(2048);
        b.rx.addChain(buf);
        b.rx.publish();
        b.device.reset();
        assertFalse(receiveThreadRunning(), "reset joins the receive thread");
        b.interrupt.clear();
        tap.inject(packet(PLAIN, frame(60, 1)));
        Thread.sleep(100);
        assertEquals(0, b.rx.usedIndex(), "no guest memory written after reset");
        assertEquals(List.of(), b.interrupt.signals(), "no interrupt after reset");
        assertEquals(1, tap.waiting());
        b.activate(MRG_RXBUF);
        b.rewind();
        Buffer again = b.writable(2048);
        b.rx.addChain(again);
        b.offerRx();
        assertEquals(List.of(new UsedElement(0, 72)), awaitRxUsed(b, 1), "a new activation receives again");
        b.close();
        assertFalse(receiveThreadRunning());
        assertTrue(tap.closed());
        bed = null;
    }

    private static boolean receiveThreadRunning() {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals("vmboot-virtio-net-memtap0-rx") && t.isAlive());
    }

    /** The receive buffers the device used since the last call, once there are {@code count} (or the wait ran out). */
    private static List<UsedElement> awaitRxUsed(NetTestBed b, int count) throws InterruptedException {
        long deadline = System.currentTimeMillis() + WAIT;
        List<UsedElement> used = new ArrayList<>(b.rx.takeUsed());
        while (used.size() < count && System.currentTimeMillis() < deadline) {
            Thread.sleep(2);
            used.addAll(b.rx.takeUsed());
        }
        return used;
    }

    private static void awaitCounter(NetTestBed b, String name, long value) throws InterruptedException {
        long deadline = System.currentTimeMillis() + WAIT;
        while (b.counter(name) < value && System.currentTimeMillis() < deadline) {
            Thread.sleep(2);
        }
        assertEquals(value, b.counter(name), name);
    }
}
