package dev.vmboot.virtio.rng.internal;

import dev.vmboot.virtio.DeviceCounters;

/**
 * What an entropy device did and refused, for {@code vmboot:list} and tests: guest mistakes are counted, never logged
 * one by one. Written by the device's serving thread, read from any.
 * Counted in a {@link DeviceCounters}; the map key of each is its name in lower case.
 */
enum RngCounter {
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
    /** Requests answered with no bytes because the host's generator could not be read. */
    SOURCE_ERRORS,
    /** A pass stopped at a queue size of chains and left the rest for the next one. */
    DRAIN_CAP_REACHED;
}
