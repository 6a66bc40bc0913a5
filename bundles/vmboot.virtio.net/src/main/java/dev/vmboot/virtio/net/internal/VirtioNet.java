package dev.vmboot.virtio.net.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.vmboot.api.virtio.VirtioActivation;
import dev.vmboot.api.virtio.VirtioDevice;
import dev.vmboot.api.virtio.VirtioFeatures;
import dev.vmboot.api.virtio.Virtqueue;
import dev.vmboot.api.virtio.VirtqueueBrokenException;
import dev.vmboot.virtio.DeviceCounters;

/**
 * A virtio network device (virtio 1.2, 5.1) over a TAP interface: receiveq1 and transmitq1, no control queue. The
 * MAC address and the link status (always up) are in the configuration space; checksum and TCP segmentation offloads
 * are offered both ways when the tap takes them, and the tap is told at activation which ones the guest accepted.
 * <p>
 * Threads, as {@code dev.vmboot.api.virtio} lays them down: identification, {@link #activate}, {@link #reset} and
 * {@link #close} come from the transport one at a time. Transmit runs on queue 1's worker ({@link #queueNotified}),
 * receive on a thread of this device ({@link Receiver}) that {@code activate} starts and {@code reset} stops and
 * joins; queue 0's notifications only wake that thread.
 */
public final class VirtioNet implements VirtioDevice {
    private static final Logger LOG = LoggerFactory.getLogger(VirtioNet.class);

    /** virtio 1.2, 5.1.1: the network device's ID. */
    static final int DEVICE_TYPE = 1;
    /** virtio 1.2, 5.1.2: receiveq1 and transmitq1 (no VIRTIO_NET_F_MQ, no VIRTIO_NET_F_CTRL_VQ). */
    static final int RX_QUEUE = 0;
    static final int TX_QUEUE = 1;
    static final int QUEUE_MAX_SIZE = 256;
    /** How long a received frame waits for the driver to offer a buffer before it is dropped. */
    static final long BUFFER_WAIT_MILLIS = 1000;

    // virtio 1.2, 5.1.3 "Feature bits"
    static final int F_CSUM = 0;
    static final int F_GUEST_CSUM = 1;
    static final int F_MAC = 5;
    static final int F_GUEST_TSO4 = 7;
    static final int F_GUEST_TSO6 = 8;
    static final int F_HOST_TSO4 = 11;
    static final int F_HOST_TSO6 = 12;
    static final int F_MRG_RXBUF = 15;
    static final int F_STATUS = 16;

    /** virtio 1.2, 5.1.4: VIRTIO_NET_S_LINK_UP in {@code status}. */
    static final int S_LINK_UP = 1;
    /** The longest header and frame received: what the staging buffer holds. */
    static final int MAX_PACKET = NetHeader.BYTES + Transmitter.MAX_FRAME;

    private final NetOptions options;
    private final TapDevice tap;
    private final DeviceCounters<NetCounter> counters;
    private final long features;
    private final long bufferWaitMillis;
    private final ByteBuffer staging = ByteBuffer.allocateDirect(MAX_PACKET);
    private final Object serving = new Object();
    private Transmitter transmitter; // guarded by serving
    private Receiver receiver; // guarded by serving
    private volatile boolean closed;

    /**
     * @param offloads whether the tap takes TUNSETOFFLOAD (checksum and TSO): then those features are offered
     */
    VirtioNet(NetOptions options, TapDevice tap, boolean offloads, long bufferWaitMillis,
            DeviceCounters<NetCounter> counters) {
        this.options = options;
        this.tap = tap;
        this.counters = counters;
        this.bufferWaitMillis = bufferWaitMillis;
        long f = VirtioFeatures.bit(F_MAC) | VirtioFeatures.bit(F_STATUS) | VirtioFeatures.bit(F_MRG_RXBUF);
        if (offloads) {
            f |= VirtioFeatures.bit(F_CSUM) | VirtioFeatures.bit(F_HOST_TSO4) | VirtioFeatures.bit(F_HOST_TSO6)
                    | VirtioFeatures.bit(F_GUEST_CSUM) | VirtioFeatures.bit(F_GUEST_TSO4)
                    | VirtioFeatures.bit(F_GUEST_TSO6);
        }
        this.features = f;
        LOG.info("virtio-net {}: MAC {}, {}", tap.name(), options.mac(),
                offloads ? "checksum and TSO offloads" : "no offloads (the tap refused TUNSETOFFLOAD)");
    }

    @Override
    public int deviceType() {
        return DEVICE_TYPE;
    }

    @Override
    public int[] queueMaxSizes() {
        return new int[] { QUEUE_MAX_SIZE, QUEUE_MAX_SIZE };
    }

    @Override
    public long deviceFeatures() {
        return features;
    }

    /** virtio 1.2, 5.1.4: {@code mac[6]}, {@code le16 status}, {@code le16 max_virtqueue_pairs} (1). */
    @Override
    public byte[] configSpace() {
        byte[] mac = options.mac().octets();
        return new byte[] { mac[0], mac[1], mac[2], mac[3], mac[4], mac[5], (byte) S_LINK_UP, 0, 1, 0 };
    }

    @Override
    public void activate(VirtioActivation activation) throws IOException {
        if (closed) {
            throw new IOException("virtio-net " + tap.name() + " is closed");
        }
        long acked = activation.features();
        int offload = 0;
        if (VirtioFeatures.has(acked, F_GUEST_CSUM)) {
            offload |= TapDevice.TUN_F_CSUM;
            offload |= VirtioFeatures.has(acked, F_GUEST_TSO4) ? TapDevice.TUN_F_TSO4 : 0;
            offload |= VirtioFeatures.has(acked, F_GUEST_TSO6) ? TapDevice.TUN_F_TSO6 : 0;
        }
        if (VirtioFeatures.has(features, F_GUEST_CSUM)) {
            tap.setOffload(offload);
        }
        Virtqueue rx = activation.queue(RX_QUEUE);
        Virtqueue tx = activation.queue(TX_QUEUE);
        synchronized (serving) {
            transmitter = tx == null ? null
                    : new Transmitter(tx, activation.interrupt(), tap, acked, counters);
            if (rx != null) {
                receiver = new Receiver("vmboot-virtio-net-" + tap.name() + "-rx", rx, activation.interrupt(), tap,
                        staging, VirtioFeatures.has(acked, F_MRG_RXBUF), (offload & TapDevice.TUN_F_CSUM) != 0,
                        bufferWaitMillis, counters);
                receiver.start();
            }
        }
    }

    @Override
    public boolean queueNotified(int index) throws VirtqueueBrokenException {
        if (index == RX_QUEUE) {
            Receiver r;
            synchronized (serving) {
                r = receiver;
            }
            if (r != null) {
                r.buffersOffered();
            }
            return false;
        }
        synchronized (serving) {
            Transmitter t = transmitter;
            return t != null && index == TX_QUEUE && t.drain();
        }
    }

    /**
     * Stops and joins the receive thread (the transport has joined the transmit worker already) and forgets the
     * activation; the tap is told the guest takes no offloads any more.
     */
    @Override
    public void reset() {
        Receiver r;
        synchronized (serving) {
            r = receiver;
            receiver = null;
            transmitter = null;
        }
        if (r != null && !r.stop()) {
            LOG.error("virtio-net {}: the receive thread did not end within 30 s", tap.name());
        }
        if (!closed && VirtioFeatures.has(features, F_GUEST_CSUM)) {
            try {
                tap.setOffload(0);
            } catch (IOException e) {
                LOG.warn("virtio-net {}: {}", tap.name(), e.getMessage());
            }
        }
    }

    @Override
    public Map<String, Long> counters() {
        return counters.toMap();
    }

    @Override
    public void close() {
        reset();
        closed = true;
        tap.close();
    }

    @Override
    public String toString() {
        return "virtio-net " + tap.name() + " (" + options.mac() + ")";
    }
}
