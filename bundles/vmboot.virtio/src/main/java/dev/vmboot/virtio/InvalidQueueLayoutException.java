package dev.vmboot.virtio;

/**
 * The driver configured a virtqueue that cannot be used (virtio 1.2, 2.7 "Split Virtqueues"): a queue size that is
 * not a power of two from 1 to 32768, a ring not aligned as the spec requires, or a ring that is not inside one guest
 * RAM region (the used ring also not in read-only memory). The transport refuses to enable the queue and logs the
 * message once; the driver sees a queue that never became ready.
 */
public final class InvalidQueueLayoutException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Which rule the layout broke; tests and transports compare these, not messages. */
    public enum Kind {
        /** The queue size is not a power of two from 1 to {@link QueueLayout#MAX_SIZE}. */
        SIZE,
        /** The descriptor table's address is not a multiple of 16. */
        DESCRIPTOR_TABLE_ALIGNMENT,
        /** The available ring's address is not a multiple of 2. */
        AVAILABLE_RING_ALIGNMENT,
        /** The used ring's address is not a multiple of 4. */
        USED_RING_ALIGNMENT,
        /** The descriptor table is not inside one guest memory region. */
        DESCRIPTOR_TABLE_ADDRESS,
        /** The available ring (with used_event under EVENT_IDX) is not inside one guest memory region. */
        AVAILABLE_RING_ADDRESS,
        /** The used ring (with avail_event under EVENT_IDX) is not inside one guest RAM region that is writable. */
        USED_RING_ADDRESS
    }

    private final Kind kind;
    private final QueueLayout layout;

    public InvalidQueueLayoutException(Kind kind, QueueLayout layout, String detail) {
        super(layout + ": " + detail);
        this.kind = kind;
        this.layout = layout;
    }

    public Kind kind() {
        return kind;
    }

    /** The layout that was refused. */
    public QueueLayout layout() {
        return layout;
    }
}
