package dev.vmboot.api.virtio;

/**
 * A descriptor chain that breaks a rule of virtio 1.2, 2.7.5 ("The Virtqueue Descriptor Table") or lies outside guest
 * memory. Only that request fails: its head has been taken from the available ring and goes back with length 0
 * (unless the head itself is not below the queue size: then there is no descriptor to give back).
 */
public final class InvalidChainException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Which rule the chain broke; tests and counters compare these, not messages. */
    public enum Kind {
        /** A descriptor index (the head or a {@code next}) not below the table size (2.7.5). */
        INDEX,
        /** More descriptors than the queue (or indirect table) holds: a loop (2.7.5.3.2). */
        LOOP,
        /**
         * An indirect descriptor that is nested, has NEXT set, sits in a chain with other descriptors' direct
         * buffers after it, or whose table is empty, not a multiple of 16 bytes or outside RAM (2.7.5.3.1).
         */
        INDIRECT,
        /** The buffers add up to 2^32 bytes or more (2.7.5.2). */
        TOO_LONG,
        /** A buffer outside guest RAM, wrapping around, across two regions, or device-writable in ROM. */
        ADDRESS,
        /** A device-readable buffer after a device-writable one (2.7.4.2). */
        ORDER
    }

    private final Kind kind;
    private final int headIndex;

    public InvalidChainException(Kind kind, int headIndex, String detail) {
        super("descriptor chain at head " + headIndex + ": " + detail);
        this.kind = kind;
        this.headIndex = headIndex;
    }

    public Kind kind() {
        return kind;
    }

    /**
     * The head taken from the available ring, to return with {@link Virtqueue#addUsed}; for kind {@link Kind#INDEX}
     * it may be the out-of-range value the ring held (not below {@link Virtqueue#size()}), which has nothing to return.
     */
    public int headIndex() {
        return headIndex;
    }
}
