package dev.vmboot.virtio.blk.internal;

import static dev.vmboot.virtio.blk.internal.BlkRequestType.HEADER_BYTES;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;

import dev.vmboot.api.memory.GuestFile;
import dev.vmboot.api.memory.GuestMemoryException;
import dev.vmboot.api.virtio.Descriptor;
import dev.vmboot.api.virtio.DescriptorChain;
import dev.vmboot.api.virtio.InvalidChainException;
import dev.vmboot.api.virtio.VirtioInterrupt;
import dev.vmboot.api.virtio.Virtqueue;
import dev.vmboot.api.virtio.VirtqueueBrokenException;
import dev.vmboot.virtio.InvalidChains;
import dev.vmboot.virtio.blk.internal.BlkCounters.Counter;

/**
 * Serves the request queue of one activation: pops checked chains, carries each request out synchronously, returns
 * it with its status and raises the queue's interrupt when the driver wants one.
 * <p>
 * Threads: {@link #drain} is called by the queue's worker thread only (from {@code queueNotified}), never twice at
 * once. Every request is complete, its chain returned, before {@code drain} returns: nothing of an activation is left
 * in flight between two calls, which is what lets {@link VirtioBlk#reset} simply drop this object.
 * <p>
 * Guest mistakes never escape as exceptions: a bad request gets IOERR or UNSUPP, a chain without a writable byte
 * or whose memory fails goes back with length 0, all counted. Only {@link VirtqueueBrokenException} propagates.
 */
final class BlkWorker {
    private final Virtqueue queue;
    private final VirtioInterrupt interrupt;
    private final BlkBackend backend;
    /** The disk opened to read straight into guest RAM, or null: reads then go through {@code backend}. */
    private final GuestFile direct;
    private final BlkConfig config;
    private final byte[] deviceId;
    private final boolean syncEachWrite;
    private final BlkCounters counters;
    /** A read request's data ranges for {@code direct}, reused from request to request (this worker's thread only). */
    private long[] rangeAddresses = new long[VirtioBlk.SEG_MAX];
    private long[] rangeLengths = new long[VirtioBlk.SEG_MAX];

    /**
     * @param syncEachWrite make each write stable before completing it: VIRTIO_BLK_F_FLUSH was offered but not
     *                      negotiated, and then "the device MUST ensure that stable writes are committed" before it
     *                      reports their completion (5.2.6.2)
     */
    BlkWorker(Virtqueue queue, VirtioInterrupt interrupt, BlkBackend backend, GuestFile direct, BlkConfig config,
            byte[] deviceId, boolean syncEachWrite, BlkCounters counters) {
        this.queue = queue;
        this.interrupt = interrupt;
        this.backend = backend;
        this.direct = direct;
        this.config = config;
        this.deviceId = deviceId.clone();
        this.syncEachWrite = syncEachWrite;
        this.counters = counters;
    }

    /**
     * Serves what the driver made available, at most a queue size of chains (so a driver that keeps refilling cannot
     * hold the worker), with notifications off while draining, then on again and drained again while chains arrived
     * meanwhile (virtio 1.2, 2.7.10). Stops early, leaving chains for later, if the worker thread is interrupted.
     * <p>
     * Chains left at the cap are the transport's to come back for: {@code drain} says so, and the worker calls again
     * rather than waiting for a notification that a driver waiting for those completions would not send;
     * {@code drain_cap_reached} counts it.
     *
     * @return true if chains are left at the cap
     * @throws VirtqueueBrokenException when the available ring is impossible; the transport then sets NEEDS_RESET
     */
    boolean drain() throws VirtqueueBrokenException {
        int budget = queue.size();
        int served = 0;
        boolean more = true;
        for (int pass = 0; more && served < budget && pass < budget && !interrupted(); pass++) {
            queue.disableNotification();
            served += drainPass(budget - served);
            more = queue.enableNotification();
        }
        boolean capped = more && served >= budget;
        if (capped) {
            counters.increment(Counter.DRAIN_CAP_REACHED);
        }
        if (served > 0 && queue.needsNotification()) {
            interrupt.queue(queue.index());
        }
        return capped;
    }

    /** Pops and serves up to {@code limit} chains; returns how many it took from the available ring. */
    private int drainPass(int limit) throws VirtqueueBrokenException {
        int served = 0;
        while (served < limit && !interrupted()) {
            served++;
            Optional<DescriptorChain> next;
            try {
                next = queue.pop();
            } catch (InvalidChainException e) {
                InvalidChains.giveBack(queue, e, counters.device());
                continue;
            }
            if (next.isEmpty()) {
                return served - 1;
            }
            queue.addUsed(next.get().headIndex(), serve(next.get()));
        }
        return served;
    }

    /** Carries out one request; returns the bytes written into the chain (data and status), for {@code addUsed}. */
    long serve(DescriptorChain chain) {
        try {
            BlkParsed parsed = BlkRequest.parse(chain, config, backend.readOnly());
            if (parsed instanceof BlkRefusal refusal) {
                count(refusal.type());
                counters.refused(refusal.reason(), refusal.status());
                return refusal.status() == null ? 0 : complete(chain, refusal.status(), 0);
            }
            BlkRequest request = (BlkRequest) parsed;
            count(request.type());
            long dataWritten;
            try {
                dataWritten = execute(request, chain);
            } catch (IOException e) {
                counters.increment(Counter.BACKEND_ERRORS);
                counters.increment(Counter.IOERR);
                return complete(chain, BlkStatus.IOERR, 0);
            }
            return complete(chain, BlkStatus.OK, dataWritten);
        } catch (GuestMemoryException e) {
            // the chain was checked, yet its memory failed: answer IOERR if the status byte can still be written
            counters.increment(Counter.GUEST_MEMORY_ERRORS);
            try {
                long used = complete(chain, BlkStatus.IOERR, 0);
                counters.increment(Counter.IOERR);
                return used;
            } catch (GuestMemoryException again) {
                counters.increment(Counter.NO_STATUS);
                return 0;
            }
        }
    }

    /** Does the I/O; returns the data bytes written into the chain. */
    private long execute(BlkRequest request, DescriptorChain chain) throws IOException {
        long length = request.length();
        return switch (request.type()) {
            case IN -> {
                int segments = 0;
                if (length > 0 && direct != null) {
                    segments = readDirect(chain, request.position(), length);
                } else if (length > 0) {
                    ByteBuffer[] views = chain.writableBuffers(0, length);
                    backend.read(views, request.position());
                    segments = views.length;
                }
                counters.add(Counter.READ_BYTES, length);
                counters.add(Counter.READ_SEGMENTS, segments);
                yield length;
            }
            case OUT -> {
                if (length > 0) {
                    backend.write(chain.readableBuffers(HEADER_BYTES, length), request.position());
                }
                stable();
                counters.add(Counter.WRITE_BYTES, length);
                yield 0L;
            }
            case FLUSH -> {
                if (!backend.readOnly()) { // a read-only disk has no volatile writes to commit
                    backend.force(true);
                }
                yield 0L;
            }
            case GET_ID -> {
                chain.write(0, ByteBuffer.wrap(deviceId, 0, (int) length));
                yield length;
            }
            case WRITE_ZEROES -> {
                backend.writeZeroes(request.position(), length);
                stable();
                counters.add(Counter.WRITE_ZEROES_BYTES, length);
                yield 0L;
            }
            case DISCARD -> throw new IllegalStateException("DISCARD requests are refused by BlkRequest.parse");
        };
    }

    /**
     * Reads {@code length} bytes of the disk from {@code position} into the first {@code length} writable bytes of
     * the chain (its data buffers, the status byte after them) with one call of {@link #direct}, which checks every
     * range against guest RAM before reading: the buffers' addresses and lengths go into two reused arrays, with no
     * object per buffer. Returns the ranges read into.
     *
     * @throws GuestMemoryException if a buffer is not in guest RAM after all; nothing was read
     * @throws EOFException         if the file ends before the request's last byte
     */
    private int readDirect(DescriptorChain chain, long position, long length) throws IOException {
        List<Descriptor> buffers = chain.writable();
        int n = buffers.size();
        if (rangeAddresses.length < n) { // the walker bounds a chain's length; SEG_MAX is what the driver was told
            rangeAddresses = new long[n];
            rangeLengths = new long[n];
        }
        long[] addresses = rangeAddresses;
        long[] lengths = rangeLengths;
        int count = 0;
        long left = length;
        for (int i = 0; i < n && left > 0; i++) {
            Descriptor d = buffers.get(i);
            long take = Math.min(d.length(), left);
            if (take > 0) {
                addresses[count] = d.address();
                lengths[count] = take;
                count++;
                left -= take;
            }
        }
        long read = direct.read(position, addresses, lengths, count);
        if (read != length) {
            throw new EOFException("end of the disk's file after " + read + " of " + length + " bytes at " + position);
        }
        return count;
    }

    private void stable() throws IOException {
        if (syncEachWrite) {
            backend.force(false);
            counters.increment(Counter.SYNC_WRITES);
        }
    }

    /** Writes the status as the last writable byte (5.2.6); returns the length for {@code addUsed}. */
    private static long complete(DescriptorChain chain, BlkStatus status, long dataWritten) {
        chain.write(chain.writableBytes() - 1, ByteBuffer.wrap(new byte[] { status.code() }));
        return dataWritten + 1;
    }

    private void count(BlkRequestType type) {
        if (type == null) {
            return;
        }
        switch (type) {
            case IN -> counters.increment(Counter.READ_REQUESTS);
            case OUT -> counters.increment(Counter.WRITE_REQUESTS);
            case FLUSH -> counters.increment(Counter.FLUSH_REQUESTS);
            case GET_ID -> counters.increment(Counter.GET_ID_REQUESTS);
            case DISCARD -> counters.increment(Counter.DISCARD_REQUESTS);
            case WRITE_ZEROES -> counters.increment(Counter.WRITE_ZEROES_REQUESTS);
        }
    }

    private static boolean interrupted() {
        return Thread.currentThread().isInterrupted();
    }
}
