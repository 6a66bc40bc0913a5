package dev.vmboot.virtio;

import dev.vmboot.api.memory.GuestMemory;
import dev.vmboot.api.memory.MemoryRegion;
import dev.vmboot.api.virtio.VirtioFeatures;
import dev.vmboot.virtio.InvalidQueueLayoutException.Kind;

/**
 * Where the driver put one split virtqueue, as it programmed the transport (virtio-pci {@code queue_size},
 * {@code queue_desc}, {@code queue_driver}, {@code queue_device}). Holds any values; {@link #check} says whether a
 * queue can be built on them. Immutable.
 * <p>
 * The parts, from virtio 1.2, 2.7 "Split Virtqueues" (the table of alignments and sizes), 2.7.6 and 2.7.8:
 * <pre>
 * descriptor table  16-aligned  16 * size       struct virtq_desc[size]
 * available ring     2-aligned   4 + 2 * size   le16 flags, le16 idx, le16 ring[size]  (+ le16 used_event)
 * used ring          4-aligned   4 + 8 * size   le16 flags, le16 idx, {le32 id, le32 len}[size]  (+ le16 avail_event)
 * </pre>
 * The trailing event field of each ring is counted only with {@code VIRTIO_F_RING_EVENT_IDX}: without it the device
 * never touches those two bytes.
 *
 * @param size             the queue size the driver chose
 * @param descriptorTable  guest physical address of the descriptor table
 * @param availableRing    guest physical address of the available ring (driver area)
 * @param usedRing         guest physical address of the used ring (device area)
 */
public record QueueLayout(int size, long descriptorTable, long availableRing, long usedRing) {

    /** virtio 1.2, 2.7: "Queue Size value is always a power of 2. The maximum Queue Size value is 32768." */
    public static final int MAX_SIZE = 32768;

    // virtio 1.2, 2.7 "Split Virtqueues": minimum alignment of each part
    static final int DESCRIPTOR_TABLE_ALIGNMENT = 16;
    static final int AVAILABLE_RING_ALIGNMENT = 2;
    static final int USED_RING_ALIGNMENT = 4;

    // virtio 1.2, 2.7.6 "The Virtqueue Available Ring" and 2.7.8 "The Virtqueue Used Ring": field offsets
    private static final int FLAGS = 0;
    private static final int IDX = 2;
    private static final int RING = 4;
    private static final int AVAILABLE_ENTRY_BYTES = 2;
    private static final int USED_ELEMENT_BYTES = 8;
    private static final int EVENT_FIELD_BYTES = 2;

    /** Bytes of the descriptor table. */
    public long descriptorTableBytes() {
        return (long) RawDescriptor.BYTES * size;
    }

    /** Bytes of the available ring the device reads: with {@code eventIdx}, including used_event. */
    public long availableRingBytes(boolean eventIdx) {
        return RING + (long) AVAILABLE_ENTRY_BYTES * size + (eventIdx ? EVENT_FIELD_BYTES : 0);
    }

    /** Bytes of the used ring the device writes: with {@code eventIdx}, including avail_event. */
    public long usedRingBytes(boolean eventIdx) {
        return RING + (long) USED_ELEMENT_BYTES * size + (eventIdx ? EVENT_FIELD_BYTES : 0);
    }

    /**
     * Whether a queue can be built on this layout in {@code memory} with the negotiated {@code features}: the checks
     * of virtio 1.2, 2.7 in a fixed order (size, then each part's alignment, then each part's place in memory), the
     * first that fails decides the {@link Kind}. Reads no guest memory, so the transport may call it whenever the
     * driver writes {@code queue_enable}.
     *
     * @throws InvalidQueueLayoutException naming the broken rule
     */
    public void check(GuestMemory memory, long features) throws InvalidQueueLayoutException {
        if (size < 1 || size > MAX_SIZE || Integer.bitCount(size) != 1) {
            throw new InvalidQueueLayoutException(Kind.SIZE, this,
                    "queue size " + size + " is not a power of two from 1 to " + MAX_SIZE);
        }
        requireAligned(descriptorTable, DESCRIPTOR_TABLE_ALIGNMENT, Kind.DESCRIPTOR_TABLE_ALIGNMENT,
                "descriptor table");
        requireAligned(availableRing, AVAILABLE_RING_ALIGNMENT, Kind.AVAILABLE_RING_ALIGNMENT, "available ring");
        requireAligned(usedRing, USED_RING_ALIGNMENT, Kind.USED_RING_ALIGNMENT, "used ring");
        boolean eventIdx = VirtioFeatures.has(features, VirtioFeatures.RING_EVENT_IDX);
        requireInside(memory, descriptorTable, descriptorTableBytes(), false, Kind.DESCRIPTOR_TABLE_ADDRESS,
                "descriptor table");
        requireInside(memory, availableRing, availableRingBytes(eventIdx), false, Kind.AVAILABLE_RING_ADDRESS,
                "available ring");
        requireInside(memory, usedRing, usedRingBytes(eventIdx), true, Kind.USED_RING_ADDRESS, "used ring");
    }

    private void requireAligned(long address, int alignment, Kind kind, String part)
            throws InvalidQueueLayoutException {
        if ((address & (alignment - 1)) != 0) {
            throw new InvalidQueueLayoutException(kind, this,
                    String.format("%s at 0x%x is not %d-byte aligned", part, address, alignment));
        }
    }

    private void requireInside(GuestMemory memory, long address, long bytes, boolean written, Kind kind,
            String part) throws InvalidQueueLayoutException {
        MemoryRegion region = RegionLookup.holding(memory, address, bytes);
        if (region == null) {
            throw new InvalidQueueLayoutException(kind, this,
                    String.format("%s [0x%x, +0x%x) is not inside one guest memory region", part, address, bytes));
        }
        if (written && region.readOnly()) {
            throw new InvalidQueueLayoutException(kind, this,
                    String.format("%s at 0x%x is in read-only memory", part, address));
        }
    }

    // ---- addresses of the ring fields, for a layout that passed check() ----------------------------------------

    long availableFlagsAddress() {
        return availableRing + FLAGS;
    }

    long availableIndexAddress() {
        return availableRing + IDX;
    }

    /** The available ring entry for the running index {@code index} (taken modulo the size). */
    long availableEntryAddress(int index) {
        return availableRing + RING + (long) AVAILABLE_ENTRY_BYTES * (index & (size - 1));
    }

    /** used_event: the trailing field of the available ring (2.7.7, with EVENT_IDX). */
    long usedEventAddress() {
        return availableRing + RING + (long) AVAILABLE_ENTRY_BYTES * size;
    }

    long usedFlagsAddress() {
        return usedRing + FLAGS;
    }

    long usedIndexAddress() {
        return usedRing + IDX;
    }

    /** The used ring element for the running index {@code index} (taken modulo the size). */
    long usedElementAddress(int index) {
        return usedRing + RING + (long) USED_ELEMENT_BYTES * (index & (size - 1));
    }

    /** avail_event: the trailing field of the used ring (2.7.10, with EVENT_IDX). */
    long availEventAddress() {
        return usedRing + RING + (long) USED_ELEMENT_BYTES * size;
    }

    @Override
    public String toString() {
        return String.format("virtqueue layout (size %d, descriptors 0x%x, available 0x%x, used 0x%x)", size,
                descriptorTable, availableRing, usedRing);
    }
}
