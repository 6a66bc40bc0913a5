package dev.vmboot.virtio.blk.internal;

import java.io.IOException;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.vmboot.api.memory.GuestFile;
import dev.vmboot.api.virtio.VirtioActivation;
import dev.vmboot.api.virtio.VirtioDevice;
import dev.vmboot.api.virtio.VirtioFeatures;
import dev.vmboot.api.virtio.Virtqueue;
import dev.vmboot.api.virtio.VirtqueueBrokenException;

/**
 * A virtio block device (virtio 1.2, 5.2) over an image file or a host block device: one request queue, served
 * synchronously on that queue's worker thread.
 * <p>
 * Threads, as {@code dev.vmboot.api.virtio} lays them down: identification, {@link #activate}, {@link #reset} and
 * {@link #close} come from the transport one at a time; {@link #queueNotified} from queue 0's worker. A request is
 * carried out and its chain returned within the {@code queueNotified} call that popped it, and the device starts no
 * thread of its own, so once the transport has joined the worker (it does before {@code reset}) nothing of the
 * activation runs. {@code reset} still takes the lock each {@code queueNotified} call holds: if a call were running
 * after all, reset would wait for its last request rather than return while it touches guest memory.
 */
public final class VirtioBlk implements VirtioDevice {
    private static final Logger LOG = LoggerFactory.getLogger(VirtioBlk.class);

    /** virtio 1.2, 5.2.1: the block device's ID. */
    static final int DEVICE_TYPE = 2;
    /** The request queue's largest size: requestq1 is the only queue without VIRTIO_BLK_F_MQ (5.2.2). */
    static final int QUEUE_MAX_SIZE = 256;
    /** Data segments per request: the queue size less the header and status descriptors, as QEMU and CH offer. */
    static final int SEG_MAX = QUEUE_MAX_SIZE - 2;
    /** Sectors per write-zeroes request (16 MiB): bounds the zeros one request makes the worker write. */
    static final int MAX_WRITE_ZEROES_SECTORS = 32 << 10;
    /** One segment per write-zeroes request, what Linux sends. */
    static final int MAX_WRITE_ZEROES_SEG = 1;

    // virtio 1.2, 5.2.3 "Feature bits"
    static final int F_SEG_MAX = 2;
    static final int F_RO = 5;
    static final int F_BLK_SIZE = 6;
    static final int F_FLUSH = 9;
    static final int F_DISCARD = 13;
    static final int F_WRITE_ZEROES = 14;

    private final BlkOptions options;
    private final BlkBackend backend;
    private final BlkConfig config;
    private final long features;
    private final BlkCounters counters;
    private final Object serving = new Object();
    private BlkWorker worker; // guarded by serving
    /** The activation's file for reads straight into guest RAM, or null; guarded by serving. */
    private GuestFile direct;
    private volatile boolean closed;

    /**
     * @param backend          the opened file, in the mode of {@code options.readOnly()}
     * @param sizeBytes        the disk's size; a last partial sector is not addressable
     * @param logicalBlockSize the host's logical block size (512 for an image file), offered as {@code blk_size}
     */
    VirtioBlk(BlkOptions options, BlkBackend backend, BlkCounters counters, long sizeBytes, int logicalBlockSize) {
        this.options = options;
        this.backend = backend;
        this.counters = counters;
        boolean writable = !options.readOnly();
        this.config = new BlkConfig(sizeBytes >>> BlkRequestType.SECTOR_SHIFT, SEG_MAX, logicalBlockSize,
                writable ? MAX_WRITE_ZEROES_SECTORS : 0, writable ? MAX_WRITE_ZEROES_SEG : 0);
        // FLUSH only when writable: a read-only disk has no write cache, and the driver may then deduce
        // writethrough (5.2.5.1). No DISCARD: the device may only drop the ranges (5.2.6.2), which a FileChannel
        // cannot do; WRITE_ZEROES writes the zeros.
        long f = VirtioFeatures.bit(F_SEG_MAX) | VirtioFeatures.bit(F_BLK_SIZE);
        f |= writable ? VirtioFeatures.bit(F_FLUSH) | VirtioFeatures.bit(F_WRITE_ZEROES) : VirtioFeatures.bit(F_RO);
        this.features = f;
        long partial = sizeBytes & (BlkRequestType.SECTOR_SIZE - 1);
        LOG.info("virtio-blk {}: {} bytes, {} sectors{}, {}, serial '{}'", options.path(), sizeBytes,
                config.capacitySectors(), partial == 0 ? "" : " (the last " + partial + " bytes not addressable)",
                writable ? "read-write" : "read-only", options.serial());
    }

    @Override
    public int deviceType() {
        return DEVICE_TYPE;
    }

    @Override
    public int[] queueMaxSizes() {
        return new int[] { QUEUE_MAX_SIZE };
    }

    @Override
    public long deviceFeatures() {
        return features;
    }

    @Override
    public byte[] configSpace() {
        return config.bytes();
    }

    BlkConfig config() {
        return config;
    }

    @Override
    public void activate(VirtioActivation activation) throws IOException {
        if (closed) {
            throw new IOException("virtio-blk " + options.path() + " is closed");
        }
        Virtqueue queue = activation.queue(0);
        boolean syncEachWrite = VirtioFeatures.has(features, F_FLUSH) && !activation.hasFeature(F_FLUSH);
        synchronized (serving) {
            closeDirect();
            if (queue == null) {
                worker = null;
                return;
            }
            direct = openDirect(activation);
            worker = new BlkWorker(queue, activation.interrupt(), backend, direct, config, options.deviceId(),
                    syncEachWrite, counters);
        }
    }

    /**
     * The disk opened again to read straight into guest RAM (one {@code preadv} per request, see {@link BlkWorker}),
     * where the machine's memory can; null where it cannot, or when that open fails (reads then go through the
     * backend's channel and views of guest memory, as before, with the same results).
     */
    private GuestFile openDirect(VirtioActivation activation) {
        try {
            return activation.memory().openForReads(options.path()).orElse(null);
        } catch (IOException e) {
            LOG.warn("virtio-blk {}: reads go through views of guest memory: {}", options.path(), e.toString());
            return null;
        }
    }

    /** Guarded by serving. */
    private void closeDirect() {
        if (direct != null) {
            try {
                direct.close();
            } catch (IOException e) {
                LOG.warn("virtio-blk {}: closing its direct reads: {}", options.path(), e.toString());
            }
            direct = null;
        }
    }

    @Override
    public boolean queueNotified(int index) throws VirtqueueBrokenException {
        synchronized (serving) {
            BlkWorker w = worker;
            return w != null && index == 0 && w.drain();
        }
    }

    /** Forgets the activation's queue and interrupt; see the class comment for why no request outlives it. */
    @Override
    public void reset() {
        synchronized (serving) {
            worker = null;
            closeDirect();
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
        try {
            backend.close();
        } catch (IOException e) {
            LOG.warn("virtio-blk {}: closing: {}", options.path(), e.toString());
        }
    }

    @Override
    public String toString() {
        return "virtio-blk " + options.path() + (options.readOnly() ? " (read-only)" : "");
    }
}
