package dev.vmboot.virtio.net.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.vmboot.api.memory.GuestMemoryException;
import dev.vmboot.api.virtio.DescriptorChain;
import dev.vmboot.api.virtio.InvalidChainException;
import dev.vmboot.api.virtio.VirtioFeatures;
import dev.vmboot.api.virtio.VirtioInterrupt;
import dev.vmboot.api.virtio.Virtqueue;
import dev.vmboot.api.virtio.VirtqueueBrokenException;
import dev.vmboot.virtio.DeviceCounters;
import dev.vmboot.virtio.InvalidChains;

/**
 * Serves the transmit queue of one activation (virtio 1.2, 5.1.6.2): each chain is a header and a frame; the header
 * is copied out and checked against the negotiated features, the frame goes to the tap straight from guest memory.
 * Every chain goes back used with length 0, sent or dropped.
 * <p>
 * Threads: {@link #drain} is called by the transmit queue's worker only. Nothing is left in flight between two calls.
 */
final class Transmitter {
    private static final Logger LOG = LoggerFactory.getLogger(Transmitter.class);

    /** The shortest frame: an Ethernet header (IEEE 802.3: two addresses and the type). */
    static final int ETHERNET_HEADER = 14;
    /** The longest frame taken: a 64 KiB segmentation request with its Ethernet and VLAN headers. */
    static final int MAX_FRAME = 65536 + ETHERNET_HEADER + 4;

    private final Virtqueue queue;
    private final VirtioInterrupt interrupt;
    private final TapDevice tap;
    private final long features;
    private final DeviceCounters<NetCounter> counters;
    /** The checked copy of a header, the first piece of every write (direct, for writev). */
    private final ByteBuffer header = ByteBuffer.allocateDirect(NetHeader.BYTES);
    private boolean tapErrorLogged;

    Transmitter(Virtqueue queue, VirtioInterrupt interrupt, TapDevice tap, long features,
            DeviceCounters<NetCounter> counters) {
        this.queue = queue;
        this.interrupt = interrupt;
        this.tap = tap;
        this.features = features;
        this.counters = counters;
    }

    /**
     * Sends what the driver made available, at most a queue size of chains, with notifications off while draining
     * (2.7.10), then raises the interrupt if the driver wants one.
     *
     * @return true if chains are left at the cap (the worker calls again)
     */
    boolean drain() throws VirtqueueBrokenException {
        int budget = queue.size();
        int served = 0;
        boolean more = true;
        for (int pass = 0; more && served < budget && pass < budget; pass++) {
            queue.disableNotification();
            served += drainPass(budget - served);
            more = queue.enableNotification();
        }
        boolean capped = more && served >= budget;
        if (capped) {
            counters.increment(NetCounter.DRAIN_CAP_REACHED);
        }
        if (served > 0 && queue.needsNotification()) {
            interrupt.queue(queue.index());
        }
        return capped;
    }

    private int drainPass(int limit) throws VirtqueueBrokenException {
        int served = 0;
        while (served < limit) {
            served++;
            Optional<DescriptorChain> next;
            try {
                next = queue.pop();
            } catch (InvalidChainException e) {
                InvalidChains.giveBack(queue, e, counters);
                continue;
            }
            if (next.isEmpty()) {
                return served - 1;
            }
            send(next.get());
            queue.addUsed(next.get().headIndex(), 0);
        }
        return served;
    }

    /** Sends one chain's frame, or drops it and counts why. */
    void send(DescriptorChain chain) {
        long total = chain.readableBytes();
        long frame = total - NetHeader.BYTES;
        if (frame < ETHERNET_HEADER) {
            counters.increment(NetCounter.TX_DROPPED_SHORT);
            return;
        }
        if (frame > MAX_FRAME) {
            counters.increment(NetCounter.TX_DROPPED_OVERSIZED);
            return;
        }
        try {
            header.clear();
            chain.read(0, header);
            header.flip();
            NetHeader h = NetHeader.read(header); // the copy: the driver may change its bytes meanwhile
            if (!acceptable(h, frame)) {
                counters.increment(NetCounter.TX_DROPPED_BAD_HEADER);
                return;
            }
            h.withNumBuffers(0).write(header);
            ByteBuffer[] views = chain.readableBuffers(NetHeader.BYTES, frame);
            ByteBuffer[] pieces = new ByteBuffer[views.length + 1];
            pieces[0] = header;
            System.arraycopy(views, 0, pieces, 1, views.length);
            long written = tap.write(pieces);
            if (written != total) {
                throw new IOException("tap " + tap.name() + ": wrote " + written + " of " + total + " bytes");
            }
            counters.increment(NetCounter.TX_FRAMES);
            counters.add(NetCounter.TX_BYTES, frame);
        } catch (GuestMemoryException e) {
            counters.increment(NetCounter.GUEST_MEMORY_ERRORS);
        } catch (IOException e) {
            counters.increment(NetCounter.TX_TAP_ERRORS);
            if (!tapErrorLogged) { // once per activation: the tap's state, not the guest, decides how often
                tapErrorLogged = true;
                LOG.warn("virtio-net {}: {} (further failed writes are counted in tx_tap_errors)", tap.name(),
                        e.getMessage());
            }
        }
    }

    /**
     * The driver requirements of 5.1.6.2.1 the device relies on: no receive-only flag (DATA_VALID, RSC_INFO);
     * NEEDS_CSUM only with VIRTIO_NET_F_CSUM and with the checksum field inside the frame; a segmentation request only
     * of a kind negotiated (TCPv4 with HOST_TSO4, TCPv6 with HOST_TSO6; no UDP or ECN, which are not offered), with
     * NEEDS_CSUM and a segment size.
     */
    private boolean acceptable(NetHeader h, long frame) {
        if ((h.flags() & ~NetHeader.F_NEEDS_CSUM) != 0) {
            return false;
        }
        boolean needsCsum = h.flags() == NetHeader.F_NEEDS_CSUM;
        if (needsCsum && (!has(VirtioNet.F_CSUM) || (long) h.csumStart() + h.csumOffset() + 2 > frame)) {
            return false;
        }
        return switch (h.gsoType()) {
        case NetHeader.GSO_NONE -> true;
        case NetHeader.GSO_TCPV4 -> has(VirtioNet.F_HOST_TSO4) && needsCsum && h.gsoSize() > 0;
        case NetHeader.GSO_TCPV6 -> has(VirtioNet.F_HOST_TSO6) && needsCsum && h.gsoSize() > 0;
        default -> false;
        };
    }

    private boolean has(int bit) {
        return VirtioFeatures.has(features, bit);
    }
}
