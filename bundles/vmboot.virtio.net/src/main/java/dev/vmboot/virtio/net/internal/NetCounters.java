package dev.vmboot.virtio.net.internal;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

import dev.vmboot.api.virtio.InvalidChainException;

/**
 * What the device did and dropped over its life, for {@code vmboot:list} and tests: guest mistakes and lost frames are
 * counted here, never logged one by one. Written by the receive thread and the transmit worker, read from any thread.
 */
final class NetCounters {

    enum Counter {
        /** Frames delivered to the guest, and their bytes (without the header). */
        RX_FRAMES, RX_BYTES,
        /** Receive buffers (chains) the delivered frames took: more than rx_frames with MRG_RXBUF. */
        RX_BUFFERS,
        /** Frames dropped: the receive queue had no buffer within the wait, or the device was resetting. */
        RX_DROPPED_NO_BUFFER,
        /** Frames dropped: the buffer offered was too small and buffers cannot be merged. */
        RX_DROPPED_TOO_BIG,
        /** Frames dropped: longer than the device takes, or shorter than an Ethernet header. */
        RX_DROPPED_BAD_LENGTH,
        /** Frames dropped: a queue size of unusable buffers were offered for one frame. */
        RX_DROPPED_BAD_BUFFERS,
        /** Receive buffers returned unused: no writable byte, or too few for the header. */
        RX_BAD_BUFFERS,
        /** Times a frame waited for the driver to offer receive buffers. */
        RX_WAITS,
        /** Reads from the tap that failed. */
        RX_TAP_ERRORS,
        /** Frames sent to the tap, and their bytes (without the header). */
        TX_FRAMES, TX_BYTES,
        /** Transmit chains dropped: shorter than the header and an Ethernet header (a zero-length frame too). */
        TX_DROPPED_SHORT,
        /** Transmit chains dropped: a frame longer than the device takes. */
        TX_DROPPED_OVERSIZED,
        /** Transmit chains dropped: a header with flags or an offload the driver did not negotiate, or out of range. */
        TX_DROPPED_BAD_HEADER,
        /** Writes the tap refused (interface down, a frame the kernel found malformed). */
        TX_TAP_ERRORS,
        /** A guest memory access of a checked chain failed. */
        GUEST_MEMORY_ERRORS,
        /** A transmit notification left chains for later: a queue size of them was served in one call. */
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
