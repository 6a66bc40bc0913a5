package dev.vmboot.testkit;

import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import dev.vmboot.api.memory.GuestMemory;

/**
 * The driver side of one split virtqueue (virtio 1.2, 2.7), for tests of the queue, of devices and of transports: it
 * lays out the descriptor table, available ring and used ring in a {@link GuestMemory}, builds descriptor chains,
 * makes them available and reads back what the device used. Besides the well-behaved operations it writes any raw
 * value a hostile driver could ({@link #writeDescriptor}, {@link #offer}, {@link #setAvailIndex}...), so a test can
 * break each rule on purpose.
 * <p>
 * Descriptors for {@link #addChain} and {@link #addIndirectChain} come from a cursor that runs round the table (as if
 * the driver's free list were in table order): a test must not keep more descriptors in flight than the queue size.
 * Chains offered become visible to the device only at {@link #publish()}, which, like a driver, fences before it
 * stores the available index ({@code VarHandle.releaseFence()}, 2.7.13.3.1 "The driver MUST perform a suitable memory
 * barrier before the idx update"); reading the used index fences after the load, so the fixture also works against a
 * device serving on another thread.
 * <p>
 * Not thread-safe: use it from one test thread. Use a thread-safe memory ({@code RegionGuestMemory}) when a device
 * thread reads it at the same time.
 */
public final class MockDriverQueue {

    // virtio 1.2, 2.7.5 "The Virtqueue Descriptor Table": flags
    public static final int F_NEXT = 1;
    public static final int F_WRITE = 2;
    public static final int F_INDIRECT = 4;
    // virtio 1.2, 2.7.6 "The Virtqueue Available Ring": flags
    public static final int AVAIL_F_NO_INTERRUPT = 1;
    // virtio 1.2, 2.7.8 "The Virtqueue Used Ring": flags
    public static final int USED_F_NO_NOTIFY = 1;

    /** Bytes of one descriptor (struct virtq_desc). */
    public static final int DESCRIPTOR_BYTES = 16;

    /**
     * A buffer to put in a chain.
     *
     * @param address  guest physical address
     * @param length   bytes (an unsigned 32-bit value)
     * @param writable device-writable (VIRTQ_DESC_F_WRITE) or device-readable
     */
    public record Buffer(long address, int length, boolean writable) {
        /** A buffer the device reads. */
        public static Buffer readable(long address, int length) {
            return new Buffer(address, length, false);
        }

        /** A buffer the device writes. */
        public static Buffer writable(long address, int length) {
            return new Buffer(address, length, true);
        }
    }

    /**
     * A descriptor table entry with any values, as a hostile driver may write it.
     *
     * @param address any 64-bit value
     * @param length  any 32-bit value (unsigned)
     * @param flags   any 16-bit value
     * @param next    any 16-bit value
     */
    public record RawDescriptor(long address, int length, int flags, int next) {
    }

    /**
     * An element of the used ring (struct virtq_used_elem).
     *
     * @param id     the head index the device returned
     * @param length the bytes the device says it wrote (unsigned 32-bit)
     */
    public record UsedElement(int id, long length) {
    }

    private final GuestMemory memory;
    private final int size;
    private final long descriptorTable;
    private final long availableRing;
    private final long usedRing;

    /** The next descriptor {@link #allocateDescriptor()} hands out. */
    private int nextFree;
    /** Entries offered to the available ring, published or not (16-bit running index). */
    private int offered;
    /** The used index up to which {@link #takeUsed()} has read. */
    private int taken;

    /**
     * Lays out a queue of {@code size} entries at the given addresses and zeroes its rings (flags, indices and the
     * event fields), as a driver does before it enables the queue. Does not check the layout: tests of misaligned or
     * misplaced rings use it too; every part must however lie in {@code memory}.
     */
    public MockDriverQueue(GuestMemory memory, int size, long descriptorTable, long availableRing, long usedRing) {
        if (size < 1 || size > 32768) {
            throw new IllegalArgumentException("queue size " + size);
        }
        this.memory = Objects.requireNonNull(memory, "memory");
        this.size = size;
        this.descriptorTable = descriptorTable;
        this.availableRing = availableRing;
        this.usedRing = usedRing;
        memory.zero(descriptorTable, (long) DESCRIPTOR_BYTES * size);
        memory.zero(availableRing, 6 + 2L * size);
        memory.zero(usedRing, 6 + 8L * size);
    }

    /**
     * A queue laid out from {@code base} (16-aligned) as a modern driver packs it: the descriptor table, then the
     * available ring, then the used ring at the next multiple of 4.
     */
    public static MockDriverQueue at(GuestMemory memory, int size, long base) {
        if ((base & 15) != 0) {
            throw new IllegalArgumentException(String.format("base 0x%x is not 16-aligned", base));
        }
        long avail = base + (long) DESCRIPTOR_BYTES * size;
        long used = (avail + 6 + 2L * size + 3) & ~3L;
        return new MockDriverQueue(memory, size, base, avail, used);
    }

    /** Bytes from {@link #descriptorTable()} to the end of the used ring's avail_event, for a queue made by {@link #at}. */
    public static long footprint(int size) {
        long avail = (long) DESCRIPTOR_BYTES * size;
        return ((avail + 6 + 2L * size + 3) & ~3L) + 6 + 8L * size;
    }

    public GuestMemory memory() {
        return memory;
    }

    public int size() {
        return size;
    }

    public long descriptorTable() {
        return descriptorTable;
    }

    public long availableRing() {
        return availableRing;
    }

    public long usedRing() {
        return usedRing;
    }

    // ---- building chains -------------------------------------------------------------------------------------

    /** The next descriptor index of the cursor that runs round the table. */
    public int allocateDescriptor() {
        int index = nextFree;
        nextFree = (nextFree + 1) % size;
        return index;
    }

    /**
     * Writes {@code buffers} as one chain of direct descriptors (linked with NEXT) and offers its head.
     *
     * @return the head index
     */
    public int addChain(Buffer... buffers) {
        return addChain(Arrays.asList(buffers));
    }

    /** {@link #addChain(Buffer...)} for a list. */
    public int addChain(List<Buffer> buffers) {
        if (buffers.isEmpty() || buffers.size() > size) {
            throw new IllegalArgumentException(buffers.size() + " buffers for a queue of " + size);
        }
        int[] indices = new int[buffers.size()];
        for (int i = 0; i < indices.length; i++) {
            indices[i] = allocateDescriptor();
        }
        for (int i = 0; i < indices.length; i++) {
            boolean last = i == indices.length - 1;
            writeDescriptor(indices[i], describe(buffers.get(i), last ? 0 : F_NEXT, last ? 0 : indices[i + 1]));
        }
        offer(indices[0]);
        return indices[0];
    }

    /**
     * Writes {@code buffers} as an indirect table at {@code tableAddress} (entry i linked to i + 1, 2.7.5.3), takes
     * one descriptor of the queue pointing at it (VIRTQ_DESC_F_INDIRECT) and offers it. The device accepts it only
     * with VIRTIO_F_RING_INDIRECT_DESC.
     *
     * @return the head index
     */
    public int addIndirectChain(long tableAddress, Buffer... buffers) {
        if (buffers.length == 0) {
            throw new IllegalArgumentException("an indirect table needs a buffer");
        }
        RawDescriptor[] entries = new RawDescriptor[buffers.length];
        for (int i = 0; i < buffers.length; i++) {
            boolean last = i == buffers.length - 1;
            entries[i] = describe(buffers[i], last ? 0 : F_NEXT, last ? 0 : i + 1);
        }
        writeTable(tableAddress, entries);
        int head = allocateDescriptor();
        writeDescriptor(head, new RawDescriptor(tableAddress, DESCRIPTOR_BYTES * buffers.length, F_INDIRECT, 0));
        offer(head);
        return head;
    }

    private static RawDescriptor describe(Buffer b, int flags, int next) {
        return new RawDescriptor(b.address(), b.length(), flags | (b.writable() ? F_WRITE : 0), next);
    }

    /** Writes entry {@code index} of the queue's descriptor table with any values. */
    public void writeDescriptor(int index, RawDescriptor descriptor) {
        Objects.checkIndex(index, size);
        writeTableEntry(descriptorTable + (long) DESCRIPTOR_BYTES * index, descriptor);
    }

    /** Reads entry {@code index} of the queue's descriptor table. */
    public RawDescriptor descriptor(int index) {
        Objects.checkIndex(index, size);
        long at = descriptorTable + (long) DESCRIPTOR_BYTES * index;
        return new RawDescriptor(memory.readLong(at), memory.readInt(at + 8),
                Short.toUnsignedInt(memory.readShort(at + 12)), Short.toUnsignedInt(memory.readShort(at + 14)));
    }

    /** Writes {@code entries} as a descriptor table (indirect, or anything) at {@code address}, 16 bytes each. */
    public void writeTable(long address, RawDescriptor... entries) {
        for (int i = 0; i < entries.length; i++) {
            writeTableEntry(address + (long) DESCRIPTOR_BYTES * i, entries[i]);
        }
    }

    private void writeTableEntry(long at, RawDescriptor d) {
        memory.writeLong(at, d.address());
        memory.writeInt(at + 8, d.length());
        memory.writeShort(at + 12, (short) d.flags());
        memory.writeShort(at + 14, (short) d.next());
    }

    // ---- the available ring ------------------------------------------------------------------------------------

    /**
     * Puts {@code head} (any 16-bit value, also one not below the size) in the next available ring entry, not yet
     * visible to the device.
     */
    public void offer(int head) {
        memory.writeShort(availableRing + 4 + 2L * (offered % size), (short) head);
        offered = (offered + 1) & 0xFFFF;
    }

    /** Makes every chain offered so far available: fences, then stores the available index. */
    public int publish() {
        VarHandle.releaseFence();
        memory.writeShort(availableRing + 2, (short) offered);
        return offered;
    }

    /**
     * Publishes like {@link #publish()}, then says whether the device wants to hear of it, as a driver decides
     * before it writes the doorbell (virtio 1.2, 2.7.13.4 "Notifying The Device", after a full fence as its driver
     * requirement asks): without EVENT_IDX when the used ring's flags lack VIRTQ_USED_F_NO_NOTIFY, with EVENT_IDX when
     * the available index passed avail_event ({@code vring_need_event}, 2.7.10).
     *
     * @param eventIdx whether VIRTIO_F_RING_EVENT_IDX was negotiated
     * @return whether to notify the device
     */
    public boolean publishAndCheckNotification(boolean eventIdx) {
        int old = availIndex();
        int now = publish();
        VarHandle.fullFence();
        if (!eventIdx) {
            return (usedFlags() & USED_F_NO_NOTIFY) == 0;
        }
        return ((now - availEvent() - 1) & 0xFFFF) < ((now - old) & 0xFFFF);
    }

    /** Stores any available index, as a hostile driver may; chains offered afterwards continue from it. */
    public void setAvailIndex(int index) {
        offered = index & 0xFFFF;
        VarHandle.releaseFence();
        memory.writeShort(availableRing + 2, (short) index);
    }

    /** The available index as stored in the ring. */
    public int availIndex() {
        return Short.toUnsignedInt(memory.readShort(availableRing + 2));
    }

    /** Sets the available ring's flags (VIRTQ_AVAIL_F_NO_INTERRUPT, or anything). */
    public void setAvailFlags(int flags) {
        memory.writeShort(availableRing, (short) flags);
    }

    /** Sets used_event, the available ring's trailing field (2.7.7, with VIRTIO_F_RING_EVENT_IDX). */
    public void setUsedEvent(int usedEvent) {
        memory.writeShort(availableRing + 4 + 2L * size, (short) usedEvent);
    }

    // ---- the used ring -------------------------------------------------------------------------------------

    /** The used index the device published, read with acquire ordering. */
    public int usedIndex() {
        int index = Short.toUnsignedInt(memory.readShort(usedRing + 2));
        VarHandle.acquireFence();
        return index;
    }

    /** The used ring's flags (VIRTQ_USED_F_NO_NOTIFY). */
    public int usedFlags() {
        return Short.toUnsignedInt(memory.readShort(usedRing));
    }

    /** avail_event, the used ring's trailing field (2.7.10, with VIRTIO_F_RING_EVENT_IDX). */
    public int availEvent() {
        return Short.toUnsignedInt(memory.readShort(usedRing + 4 + 8L * size));
    }

    /** Stores any avail_event (the device's field), e.g. to see that the device rewrites it. */
    public void setAvailEvent(int availEvent) {
        memory.writeShort(usedRing + 4 + 8L * size, (short) availEvent);
    }

    /** The used element at running index {@code index} (taken modulo the size). */
    public UsedElement usedElement(int index) {
        long at = usedRing + 4 + 8L * Math.floorMod(index, size);
        return new UsedElement(memory.readInt(at), Integer.toUnsignedLong(memory.readInt(at + 4)));
    }

    /**
     * The used elements the device published since the previous call (at most the queue size: a device that ran
     * further ahead has overwritten the older ones, and this throws).
     *
     * @throws IllegalStateException if more than the queue size were published since the previous call
     */
    public List<UsedElement> takeUsed() {
        int published = usedIndex();
        int count = (published - taken) & 0xFFFF;
        if (count > size) {
            throw new IllegalStateException("used index " + published + " is " + count
                    + " ahead of the last one read (" + taken + "), more than the queue size " + size);
        }
        List<UsedElement> used = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            used.add(usedElement(taken + i));
        }
        taken = published;
        return used;
    }
}
