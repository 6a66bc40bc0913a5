package dev.vmboot.virtio.blk.internal;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

import dev.vmboot.api.virtio.InvalidChainException;
import dev.vmboot.virtio.DeviceCounters;

/**
 * What the device did and refused over its life, for {@code vmboot:list} and tests: guest mistakes are counted here,
 * never logged one by one. Written by the queue worker, read from any thread. The counters every device keeps are a
 * {@link DeviceCounters}; this adds the block device's count of refusals per {@link BlkRefusal.Reason}.
 */
final class BlkCounters {

    /** Counters that are not per refusal reason or per invalid-chain kind. */
    enum Counter {
        READ_REQUESTS, READ_BYTES,
        /**
         * Pieces of guest memory the data of reads went into, one per guest buffer (more where a buffer spans two
         * backing pieces of guest RAM): read_segments / read_requests is the scatter.
         */
        READ_SEGMENTS,
        WRITE_REQUESTS, WRITE_BYTES,
        FLUSH_REQUESTS,
        GET_ID_REQUESTS,
        DISCARD_REQUESTS,
        WRITE_ZEROES_REQUESTS, WRITE_ZEROES_BYTES,
        /** Writes made stable before completion because the driver did not take VIRTIO_BLK_F_FLUSH (5.2.6.2). */
        SYNC_WRITES,
        /** Requests answered IOERR or UNSUPP, whatever the cause. */
        IOERR, UNSUPP,
        /** Chains returned with length 0: no status byte, or guest memory that failed after all. */
        NO_STATUS,
        /** I/O errors of the backing file (among IOERR). */
        BACKEND_ERRORS,
        /** A guest memory access of a checked chain failed (among IOERR and NO_STATUS). */
        GUEST_MEMORY_ERRORS,
        /** The backing file opened again after an interrupt of the worker closed it. */
        BACKEND_REOPENED,
        /** A notification left chains for later: a queue size of them was served in one call. */
        DRAIN_CAP_REACHED
    }

    private final DeviceCounters<Counter> device = new DeviceCounters<>(Counter.class);
    private final AtomicLongArray refusals = new AtomicLongArray(BlkRefusal.Reason.values().length);

    void increment(Counter c) {
        device.increment(c);
    }

    void add(Counter c, long delta) {
        device.add(c, delta);
    }

    /** A chain refused for {@code reason}: {@code refused_<reason>}, and IOERR, UNSUPP or NO_STATUS as answered. */
    void refused(BlkRefusal.Reason reason, BlkStatus answered) {
        refusals.incrementAndGet(reason.ordinal());
        increment(answered == null ? Counter.NO_STATUS : answered == BlkStatus.UNSUPP ? Counter.UNSUPP
                : Counter.IOERR);
    }

    /** The counters every device keeps, for the shared code that writes them. */
    DeviceCounters<Counter> device() {
        return device;
    }

    long get(Counter c) {
        return device.get(c);
    }

    long refusals(BlkRefusal.Reason reason) {
        return refusals.get(reason.ordinal());
    }

    long invalidChains(InvalidChainException.Kind kind) {
        return device.invalidChains(kind);
    }

    /** Every counter by name, zeros included, in a fixed order: the device's, {@code refused_*}, invalid chains. */
    Map<String, Long> toMap() {
        Map<String, Long> byReason = new LinkedHashMap<>();
        for (BlkRefusal.Reason r : BlkRefusal.Reason.values()) {
            byReason.put("refused_" + r.name().toLowerCase(Locale.ROOT), refusals(r));
        }
        return device.toMap(byReason);
    }
}
