package dev.vmboot.virtio;

import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.Optional;

import dev.vmboot.api.memory.GuestMemory;
import dev.vmboot.api.memory.GuestMemoryException;
import dev.vmboot.api.virtio.DescriptorChain;
import dev.vmboot.api.virtio.InvalidChainException;
import dev.vmboot.api.virtio.VirtioFeatures;
import dev.vmboot.api.virtio.Virtqueue;
import dev.vmboot.api.virtio.VirtqueueBrokenException;

/**
 * The device side of one split virtqueue (virtio 1.2, 2.7) in guest memory: the one implementation of the ring rules
 * and of the checks against a hostile driver that every transport and device shares.
 * <p>
 * <b>Creating.</b> The transport builds a queue with {@link #create} when the driver enables it (or at DRIVER_OK),
 * from the layout the driver programmed and the features it accepted; a layout that cannot work is refused with an
 * {@link InvalidQueueLayoutException} to log once, and the queue is not enabled. {@link QueueLayout#check} answers
 * the same question without building anything. A device reset discards the queue; the next activation creates a new
 * one, starting again at index 0 as the driver does.
 * <p>
 * <b>Threads.</b> No locks inside: one owner thread at a time uses a queue (the worker of that queue, see
 * {@link dev.vmboot.api.virtio.VirtioDevice#queueNotified}). Handing it to another thread needs a happens-before edge
 * ({@code Thread.start}, a concurrent queue, a join). The driver runs concurrently in the guest; the ordering between
 * its writes and the device's reads comes from the fences below, not from Java locks:
 * <ul>
 * <li>{@link #pop} reads the available index with a plain 16-bit load followed by {@link VarHandle#acquireFence()}:
 * the fence keeps every later load (ring entries, descriptors, buffers) after it, which is what an acquire load
 * gives. The load is one aligned 16-bit access (the ring is 2-aligned, checked at creation, and guest memory chunks
 * are power-of-two sized, so it never splits), so the driver's store is seen whole or not at all. x86 keeps loads in
 * order anyway; the fence is there for the JIT compiler.</li>
 * <li>{@link #addUsed} writes the used element, then {@link VarHandle#releaseFence()}, then the 16-bit used index:
 * the driver never sees an index that covers an element not yet written (2.7.8.2 "The device MUST set len prior to
 * updating the used idx").</li>
 * <li>{@link #enableNotification} and {@link #needsNotification} put a {@link VarHandle#fullFence()} between the
 * device's store (the flag or avail_event; the used index) and its load of what the driver wrote (the available
 * index; the flag or used_event), the store-load order x86 does not keep by itself.</li>
 * </ul>
 * <b>Hostile driver.</b> Every value read from guest memory is checked before use (see {@link ChainWalker}); memory
 * is reached only through {@link GuestMemory}, in ranges checked against its regions; no method loops longer than a
 * chain allows. The only way a {@link GuestMemoryException} comes out of {@link #addUsed} or the notification methods
 * is guest memory unmapped while the queue is in use, which the threading contract of
 * {@link dev.vmboot.api.virtio.VirtioDevice#reset} rules out.
 */
public final class SplitVirtqueue implements Virtqueue {

    // virtio 1.2, 2.7.6 "The Virtqueue Available Ring": flags
    /** VIRTQ_AVAIL_F_NO_INTERRUPT: the driver needs no used buffer notification (without EVENT_IDX, 2.7.7). */
    static final int AVAIL_F_NO_INTERRUPT = 1;
    // virtio 1.2, 2.7.8 "The Virtqueue Used Ring": flags
    /** VIRTQ_USED_F_NO_NOTIFY: the device needs no available buffer notification (without EVENT_IDX, 2.7.10). */
    static final short USED_F_NO_NOTIFY = 1;

    /** Ring indices are free-running 16-bit counters (2.7.6: "This starts at 0, and increases"). */
    private static final int INDEX_MASK = 0xFFFF;

    private final int index;
    private final QueueLayout layout;
    private final GuestMemory memory;
    private final boolean eventIdx;
    private final ChainWalker walker;

    /** The available ring index of the next chain to pop (16 bits, running). */
    private int nextAvail;
    /** The used ring index the next used element goes to (16 bits, running). */
    private int nextUsed;
    /** {@link #nextUsed} when {@link #needsNotification} last ran. */
    private int usedAtLastCheck;
    /** Used elements added since {@link #needsNotification} last ran, up to 2^16. */
    private int usedSinceCheck;
    private boolean broken;

    private SplitVirtqueue(int index, QueueLayout layout, GuestMemory memory, long features) {
        this.index = index;
        this.layout = layout;
        this.memory = memory;
        this.eventIdx = VirtioFeatures.has(features, VirtioFeatures.RING_EVENT_IDX);
        this.walker = new ChainWalker(GuestRamViews.of(memory), layout.descriptorTable(), layout.size(),
                VirtioFeatures.has(features, VirtioFeatures.RING_INDIRECT_DESC));
    }

    /**
     * A queue over {@code layout} in {@code memory}, after {@link QueueLayout#check} accepted it. Reads and writes
     * nothing in guest memory yet: the driver has initialised the rings (2.7.10.1, used flags 0) and both indices
     * start at 0.
     *
     * @param index    the queue's index in its device, for messages and {@link #index()}
     * @param features the feature bits the driver accepted: {@code VIRTIO_F_RING_INDIRECT_DESC} and
     *                 {@code VIRTIO_F_RING_EVENT_IDX} change what the queue accepts and where it looks
     * @throws InvalidQueueLayoutException if the layout breaks a rule of virtio 1.2, 2.7 in this memory
     */
    public static SplitVirtqueue create(int index, QueueLayout layout, GuestMemory memory, long features)
            throws InvalidQueueLayoutException {
        if (index < 0) {
            throw new IllegalArgumentException("queue index " + index);
        }
        Objects.requireNonNull(memory, "memory");
        layout.check(memory, features);
        return new SplitVirtqueue(index, layout, memory, features);
    }

    @Override
    public int index() {
        return index;
    }

    @Override
    public int size() {
        return layout.size();
    }

    /** The layout the queue was created on. */
    public QueueLayout layout() {
        return layout;
    }

    /** The available ring index of the next chain {@link #pop} takes (16 bits; how many were taken, modulo 2^16). */
    public int nextAvailIndex() {
        return nextAvail;
    }

    /** The used ring index the next {@link #addUsed} fills (16 bits; how many were returned, modulo 2^16). */
    public int nextUsedIndex() {
        return nextUsed;
    }

    /** Whether a {@link VirtqueueBrokenException} ended the queue: it stays so until the device is reset. */
    public boolean isBroken() {
        return broken;
    }

    /**
     * {@inheritDoc}
     * <p>
     * Reads the available index (acquire), checks that it is at most the queue size ahead of the next chain to take,
     * takes the head from the ring and walks the whole chain, copying each descriptor once. A refused chain still
     * consumes its ring entry. Once broken, every call throws. Guest memory unmapped under the live queue (a transport
     * that did not reset the device first) breaks it too, instead of escaping as a {@code GuestMemoryException}.
     */
    @Override
    public Optional<DescriptorChain> pop() throws InvalidChainException, VirtqueueBrokenException {
        if (broken) {
            throw new VirtqueueBrokenException(index, "broken earlier; the driver must reset the device");
        }
        try {
            int availIdx = Short.toUnsignedInt(memory.readShort(layout.availableIndexAddress()));
            VarHandle.acquireFence();
            int pending = (availIdx - nextAvail) & INDEX_MASK;
            if (pending == 0) {
                return Optional.empty();
            }
            if (pending > layout.size()) {
                broken = true;
                throw new VirtqueueBrokenException(index, "available index " + availIdx + " is " + pending
                        + " entries ahead of the next one to serve (" + nextAvail + "), more than the queue size "
                        + layout.size());
            }
            int head = Short.toUnsignedInt(memory.readShort(layout.availableEntryAddress(nextAvail)));
            nextAvail = (nextAvail + 1) & INDEX_MASK;
            return Optional.of(walker.walk(head));
        } catch (GuestMemoryException e) {
            // every range read here was checked against the memory's regions: only memory unmapped under a live
            // queue (a transport bug) gets here, and then the queue cannot go on
            broken = true;
            throw new VirtqueueBrokenException(index, "guest memory went away: " + e.getMessage());
        }
    }

    /**
     * {@inheritDoc}
     * <p>
     * Also after the queue broke, so the driver can still see requests that completed.
     *
     * @throws IllegalArgumentException also if {@code bytesWritten} is not from 0 to 2^32 - 1
     */
    @Override
    public void addUsed(int headIndex, long bytesWritten) {
        checkUsed(headIndex, bytesWritten);
        storeUsed(headIndex, bytesWritten);
        publishUsed();
    }

    /**
     * {@inheritDoc}
     * <p>
     * Every element is checked before the first is stored; the used index is stored once, after a release fence.
     */
    @Override
    public void addUsed(int[] headIndices, long[] bytesWritten, int count) {
        if (count < 0 || count > headIndices.length || count > bytesWritten.length) {
            throw new IllegalArgumentException(count + " used elements from arrays of " + headIndices.length
                    + " and " + bytesWritten.length);
        }
        for (int i = 0; i < count; i++) {
            checkUsed(headIndices[i], bytesWritten[i]);
        }
        for (int i = 0; i < count; i++) {
            storeUsed(headIndices[i], bytesWritten[i]);
        }
        if (count > 0) {
            publishUsed();
        }
    }

    private void checkUsed(int headIndex, long bytesWritten) {
        if (headIndex < 0 || headIndex >= layout.size()) {
            throw new IllegalArgumentException("head index " + headIndex + " is not below the queue size "
                    + layout.size());
        }
        if (bytesWritten < 0 || bytesWritten >= ChainWalker.MAX_CHAIN_BYTES) {
            throw new IllegalArgumentException("used length " + bytesWritten + " is not a 32-bit length");
        }
    }

    /** Stores one used element at the next used index, not yet visible to the driver. */
    private void storeUsed(int headIndex, long bytesWritten) {
        // struct virtq_used_elem { le32 id; le32 len; } as one little-endian 64-bit store
        memory.writeLong(layout.usedElementAddress(nextUsed), Integer.toUnsignedLong(headIndex) | bytesWritten << 32);
        nextUsed = (nextUsed + 1) & INDEX_MASK;
        if (usedSinceCheck <= INDEX_MASK) {
            usedSinceCheck++;
        }
    }

    /** Makes the elements stored so far visible: release fence, then the used index (2.7.8.2). */
    private void publishUsed() {
        VarHandle.releaseFence();
        memory.writeShort(layout.usedIndexAddress(), (short) nextUsed);
    }

    /**
     * {@inheritDoc}
     * <p>
     * Without EVENT_IDX this sets VIRTQ_USED_F_NO_NOTIFY. With EVENT_IDX it writes nothing: avail_event stays where
     * {@link #enableNotification} put it, at an index the driver has already passed, so the driver does not notify
     * again until the available index comes round to it 2^16 entries later (2.7.10); re-arming is
     * {@link #enableNotification}'s job.
     */
    @Override
    public void disableNotification() {
        if (!broken && !eventIdx) {
            memory.writeShort(layout.usedFlagsAddress(), USED_F_NO_NOTIFY);
        }
    }

    /**
     * {@inheritDoc}
     * <p>
     * With EVENT_IDX, sets avail_event to the next index to pop (the driver notifies when it makes that entry
     * available, 2.7.10); without, clears VIRTQ_USED_F_NO_NOTIFY. Then, after a full fence, compares the available
     * index with the next one to pop. Returns false for a broken queue, which has nothing to serve.
     */
    @Override
    public boolean enableNotification() {
        if (broken) {
            return false;
        }
        if (eventIdx) {
            memory.writeShort(layout.availEventAddress(), (short) nextAvail);
        } else {
            memory.writeShort(layout.usedFlagsAddress(), (short) 0);
        }
        VarHandle.fullFence();
        return Short.toUnsignedInt(memory.readShort(layout.availableIndexAddress())) != nextAvail;
    }

    /**
     * {@inheritDoc}
     * <p>
     * Looks at the used elements added since the previous call (as QEMU's {@code signalled_used} and rust-vmm's
     * {@code num_added} do): none means no interrupt. Without EVENT_IDX, an interrupt unless the driver set
     * VIRTQ_AVAIL_F_NO_INTERRUPT (2.7.7.2). With EVENT_IDX, the flag is ignored and an interrupt is needed when the
     * used index passed used_event + 1 since the previous call: Linux's {@code vring_need_event(used_event, new, old)},
     * {@code (u16)(new - used_event - 1) < (u16)(new - old)}, correct across the 16-bit wrap (and always true after
     * 2^16 or more additions, where the 16-bit difference no longer tells).
     */
    @Override
    public boolean needsNotification() {
        VarHandle.fullFence();
        int now = nextUsed;
        int old = usedAtLastCheck;
        int added = usedSinceCheck;
        usedAtLastCheck = now;
        usedSinceCheck = 0;
        if (added == 0) {
            return false;
        }
        if (!eventIdx) {
            return (memory.readShort(layout.availableFlagsAddress()) & AVAIL_F_NO_INTERRUPT) == 0;
        }
        if (added > INDEX_MASK) {
            return true;
        }
        int usedEvent = Short.toUnsignedInt(memory.readShort(layout.usedEventAddress()));
        return ((now - usedEvent - 1) & INDEX_MASK) < ((now - old) & INDEX_MASK);
    }

    @Override
    public String toString() {
        return "split virtqueue " + index + " (" + layout + ", next available " + nextAvail + ", next used "
                + nextUsed + (broken ? ", broken)" : ")");
    }
}
