package dev.vmboot.virtio.console.internal;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

import dev.vmboot.api.virtio.InvalidChainException;

/**
 * What a console device did and refused, for {@code vmboot:list} and tests: guest mistakes are counted, never logged
 * one by one. Written by the transmit worker and the receive thread, read from any.
 */
final class ConsoleCounters {

    enum Counter {
        /** Bytes the guest wrote that went to the console's output. */
        OUTPUT_BYTES,
        /** Transmit chains with a device-writable buffer (virtio 1.2, 5.3.6: transmit buffers are device-readable). */
        REFUSED_WRITABLE,
        /** Transmit chains longer than the device takes at once ({@link ConsoleTransmitter#MAX_CHAIN_BYTES}). */
        REFUSED_TOO_LONG,
        /** Receive chains with a device-readable buffer (5.3.6: receive buffers are device-writable). */
        REFUSED_READABLE,
        /** Chains with no byte to read or write: returned as they came. */
        EMPTY_CHAINS,
        /** Keys typed that went into receive buffers. */
        INPUT_BYTES,
        /** A checked chain whose guest memory failed after all, used with 0. */
        GUEST_MEMORY_ERRORS,
        /** Writes to the console's output that failed (the terminal went away): those bytes are lost. */
        OUTPUT_ERRORS,
        /** A transmit pass stopped at a queue size of chains and left the rest for the next one. */
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
