package dev.vmboot.virtio.console.internal;

import dev.vmboot.virtio.DeviceCounters;

/**
 * What a console device did and refused, for {@code vmboot:list} and tests: guest mistakes are counted, never logged
 * one by one. Written by the transmit worker and the receive thread, read from any.
 * Counted in a {@link DeviceCounters}; the map key of each is its name in lower case.
 */
enum ConsoleCounter {
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
}
