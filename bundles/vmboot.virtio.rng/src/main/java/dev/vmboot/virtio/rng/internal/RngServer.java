package dev.vmboot.virtio.rng.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.vmboot.api.memory.GuestMemoryException;
import dev.vmboot.api.virtio.DescriptorChain;
import dev.vmboot.api.virtio.InvalidChainException;
import dev.vmboot.api.virtio.VirtioInterrupt;
import dev.vmboot.api.virtio.Virtqueue;
import dev.vmboot.api.virtio.VirtqueueBrokenException;
import dev.vmboot.virtio.DeviceCounters;
import dev.vmboot.virtio.InvalidChains;

/**
 * Serves the request queue of one activation (virtio 1.2, 5.4.6): fills each chain's writable buffers with random
 * bytes, as many as the rate bound grants, at most {@link #MAX_REQUEST_BYTES} (the device "MAY use less than the
 * entire buffer length", 5.4.6.2). A request the bucket cannot serve now is held, the only one held, until
 * {@link TokenBucket#nanosUntil}: so a guest asking faster is served later, and nothing queues up on the host side but
 * that one chain.
 * <p>
 * Threads: called by the device's serving thread only, which alone uses the queue.
 */
final class RngServer {
    private static final Logger LOG = LoggerFactory.getLogger(RngServer.class);
    /** {@link #serve} found nothing more to do: wait for a notification. */
    static final long IDLE = -1;
    /** The most random bytes one request gets: a page or sixteen, what Linux's hw_random asks for at most. */
    static final int MAX_REQUEST_BYTES = 64 << 10;
    /** Random bytes are made and copied in pieces of this size, whatever the request's length. */
    private static final int PIECE = 4096;

    private final Virtqueue queue;
    private final VirtioInterrupt interrupt;
    private final TokenBucket bucket;
    private final EntropySource source;
    private final DeviceCounters<RngCounter> counters;
    private final byte[] piece = new byte[PIECE];
    /** A request waiting for the bucket, or null. */
    private DescriptorChain held;

    RngServer(Virtqueue queue, VirtioInterrupt interrupt, TokenBucket bucket, EntropySource source,
            DeviceCounters<RngCounter> counters) {
        this.queue = queue;
        this.interrupt = interrupt;
        this.bucket = bucket;
        this.source = source;
        this.counters = counters;
    }

    /**
     * Serves what is available, at most a queue size of chains.
     *
     * @return {@link #IDLE} when the queue is empty and notifications are on again; 0 when the pass stopped at its
     *         bound with chains waiting (call again); otherwise the nanoseconds to wait before the held request can be
     *         served
     * @throws VirtqueueBrokenException when the available ring is impossible
     */
    long serve() throws VirtqueueBrokenException {
        int used = 0;
        try {
            queue.disableNotification();
            for (int taken = 0; taken < queue.size(); ) {
                if (held == null) {
                    Optional<DescriptorChain> next;
                    try {
                        next = queue.pop();
                    } catch (InvalidChainException e) {
                        taken++;
                        if (InvalidChains.giveBack(queue, e, counters)) {
                            used++;
                        }
                        continue;
                    }
                    if (next.isEmpty()) {
                        if (queue.enableNotification()) {
                            queue.disableNotification();
                            continue;
                        }
                        return IDLE;
                    }
                    taken++;
                    held = next.get();
                    if (refused(held)) {
                        queue.addUsed(held.headIndex(), 0);
                        held = null;
                        used++;
                        continue;
                    }
                }
                long want = Math.min(held.writableBytes(), MAX_REQUEST_BYTES);
                long granted = bucket.take(want);
                if (granted == 0) {
                    counters.increment(RngCounter.DEFERRED);
                    return Math.max(1, bucket.nanosUntil(want));
                }
                queue.addUsed(held.headIndex(), fill(held, granted));
                held = null;
                used++;
            }
            counters.increment(RngCounter.DRAIN_CAP_REACHED);
            return 0;
        } finally {
            if (used > 0 && queue.needsNotification()) {
                interrupt.queue(queue.index());
            }
        }
    }

    /** A request the device does not serve: device-readable buffers (5.4.6.1), or no writable byte. */
    private boolean refused(DescriptorChain chain) {
        if (!chain.readable().isEmpty()) {
            counters.increment(RngCounter.REFUSED_READABLE);
            return true;
        }
        if (chain.writableBytes() == 0) {
            counters.increment(RngCounter.REFUSED_EMPTY);
            return true;
        }
        return false;
    }

    /**
     * Writes {@code length} random bytes at the start of the chain's writable buffers; returns what was written (0 if
     * the source failed: the device "MAY use less than the entire buffer length", 5.4.6.2).
     */
    private long fill(DescriptorChain chain, long length) {
        long done = 0;
        try {
            while (done < length) {
                int n = (int) Math.min(PIECE, length - done);
                source.fill(piece);
                chain.write(done, ByteBuffer.wrap(piece, 0, n));
                done += n;
            }
        } catch (GuestMemoryException e) {
            counters.increment(RngCounter.GUEST_MEMORY_ERRORS);
            return 0;
        } catch (IOException e) {
            // The host's fault, not the guest's: said once per device (the counters live as long), counted every time.
            counters.increment(RngCounter.SOURCE_ERRORS);
            if (counters.get(RngCounter.SOURCE_ERRORS) == 1) {
                LOG.warn("virtio-rng: cannot read random bytes ({}): requests get none", e.toString());
            }
            return 0;
        }
        counters.increment(RngCounter.REQUESTS);
        counters.add(RngCounter.BYTES, done);
        return done;
    }
}
