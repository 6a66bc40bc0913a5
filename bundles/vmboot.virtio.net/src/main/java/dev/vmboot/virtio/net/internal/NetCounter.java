package dev.vmboot.virtio.net.internal;

import dev.vmboot.virtio.DeviceCounters;

/**
 * What the device did and dropped over its life, for {@code vmboot:list} and tests: guest mistakes and lost frames are
 * counted here, never logged one by one. Written by the receive thread and the transmit worker, read from any thread.
 * Counted in a {@link DeviceCounters}; the map key of each is its name in lower case.
 */
enum NetCounter {
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
}
