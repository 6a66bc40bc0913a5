package dev.vmboot.api.virtio;

/** Device-independent feature bits (virtio 1.2, 6 "Reserved Feature Bits") and bit helpers. */
public final class VirtioFeatures {
    private VirtioFeatures() {
    }

    /** VIRTIO_F_INDIRECT_DESC: the driver may use indirect descriptor tables (2.7.5.3). */
    public static final int RING_INDIRECT_DESC = 28;
    /** VIRTIO_F_EVENT_IDX: used_event and avail_event suppress notifications (2.7.7, 2.7.10). */
    public static final int RING_EVENT_IDX = 29;
    /** VIRTIO_F_VERSION_1: compliance with virtio 1.x; the only kind of driver vmboot's transport accepts. */
    public static final int VERSION_1 = 32;

    /** The mask of feature {@code bit}. */
    public static long bit(int bit) {
        if (bit < 0 || bit > 63) {
            throw new IllegalArgumentException("feature bit " + bit);
        }
        return 1L << bit;
    }

    /** Whether {@code features} has {@code bit}. */
    public static boolean has(long features, int bit) {
        return (features & bit(bit)) != 0;
    }
}
