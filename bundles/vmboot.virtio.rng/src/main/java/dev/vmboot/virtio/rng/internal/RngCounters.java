package dev.vmboot.virtio.rng.internal;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

import dev.vmboot.api.virtio.InvalidChainException;

/**
 * What an entropy device did and refused, for {@code vmboot:list} and tests: guest mistakes are counted, never logged
 * one by one. Written by the device's serving thread, read from any.
 */
final class RngCounters {

    enum Counter {
        /** Requests answered with random bytes. */
        REQUESTS,
        /** Random bytes written into guest buffers. */
        BYTES,
        /** Times a request waited for the rate bound. */
        DEFERRED,
        /** Requests with a device-readable buffer (virtio 1.2, 5.4.6.1: the driver MUST NOT place them), used with 0. */
        REFUSED_READABLE,
        /** Requests with no writable byte, used with 0. */
        REFUSED_EMPTY,
        /** A checked chain whose guest memory failed after all, used with 0. */
        GUEST_MEMORY_ERRORS,
        /** A pass stopped at a queue size of chains and left the rest for the next one. */
        DRAIN_CAP_REACHED;

        final String key = name().toLowerCase(Locale.ROOT);
    }

    private static final int KINDS_AT = Counter.values().length;

    private final AtomicLongArray values = new AtomicLongArray(KINDS_AT + InvalidChainException.Kind.values().length);

    void increment(Counter c) {
        values.incrementAndGet(c.ordinal());
    }

    void add(Counter c, long delta) {
        values.addAndGet(c.ordinal(), delta);
    }

    /** A chain the queue refused: {@code invalid_chain_<kind>}. */
    void invalidChain(InvalidChainException.Kind kind) {
        values.incrementAndGet(KINDS_AT + kind.ordinal());
    }

    long get(Counter c) {
        return values.get(c.ordinal());
    }

    long invalidChains(InvalidChainException.Kind kind) {
        return values.get(KINDS_AT + kind.ordinal());
    }

    /** Every counter by name, zeros included, in a fixed order. */
    Map<String, Long> toMap() {
        Map<String, Long> map = new LinkedHashMap<>();
        for (Counter c : Counter.values()) {
            map.put(c.key, get(c));
        }
        for (InvalidChainException.Kind k : InvalidChainException.Kind.values()) {
            map.put("invalid_chain_" + k.name().toLowerCase(Locale.ROOT), invalidChains(k));
        }
        return map;
    }
}
