package dev.vmboot.virtio;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.vmboot.api.memory.MemoryRegion;
import dev.vmboot.api.virtio.Descriptor;
import dev.vmboot.api.virtio.DescriptorChain;
import dev.vmboot.api.virtio.InvalidChainException;
import dev.vmboot.api.virtio.VirtioFeatures;
import dev.vmboot.api.virtio.VirtqueueBrokenException;
import dev.vmboot.memory.RegionGuestMemory;
import dev.vmboot.testkit.FuzzInput;
import dev.vmboot.testkit.MockDriverQueue;
import dev.vmboot.testkit.MockDriverQueue.Buffer;
import dev.vmboot.testkit.MockDriverQueue.RawDescriptor;
import dev.vmboot.testkit.MockDriverQueue.UsedElement;

/**
 * Structure-aware fuzzing of {@link SplitVirtqueue}: the input is a driver's program, mostly well-behaved operations
 * (valid chains, direct and indirect, publish, drain, notification suppression) and, where the fuzzer picks the rare
 * opcodes, rule-breaking writes anywhere in the rings. The queue may refuse chains and break, but only with its own
 * exceptions and never inconsistently:
 * <ul>
 * <li>a served chain lies in guest memory (writable parts outside ROM), its head below the size, its bytes below
 * 2^32; its accessors work inside it and throw {@link IndexOutOfBoundsException} exactly outside it;</li>
 * <li>after at most a queue size of pops without new publications the ring is empty (no endless supply);</li>
 * <li>{@code enableNotification()} is true exactly when the driver's available index is ahead of the queue, and
 * leaves the ring asking for notifications (flag or avail_event); {@code disableNotification()} sets the flag;</li>
 * <li>as long as the driver broke no rule, every chain comes out as built, in order, and the used ring holds exactly
 * what was returned; a refusal or a broken queue is then itself a finding.</li>
 * </ul>
 * The work is bounded by construction: at most {@link #MAX_OPERATIONS} operations, each drain at most a queue size of
 * pops plus one. A normal build replays the inputs under {@code VirtqueueFuzzTestInputs/chains} (written by
 * {@link VirtqueueFuzzSeeds}); {@code JAZZER_FUZZ=1} fuzzes for real.
 * <p>
 * Input: byte 0 sizes the queue ({@code 1 << (b % 9)}), byte 1 the features (bit 0 INDIRECT_DESC, bit 1 EVENT_IDX),
 * byte 2 the layout ({@link #LAYOUT_REPLACED} and up: one field replaced by the following bytes), then operations, an
 * opcode byte and its operands each (see the {@code OP_} constants).
 */
class VirtqueueFuzzTest {

    // the guest: two adjacent RAM regions, a gap, a ROM
    static final long LOW_RAM_END = 0x10000;
    static final long HIGH_RAM_END = 0x20000;
    static final long ROM = 0x30000;
    static final long ROM_END = 0x31000;
    static final long RINGS = 0x1000;
    static final long TABLES = 0x4000;
    static final int TABLE_SLOT = 64;
    static final int TABLE_SLOTS = 256;
    static final long BUFFERS = 0x8000;

    static final int MAX_OPERATIONS = 256;
    static final int MAX_BUFFERS = 4;

    /** Layout byte: below it the driver's own layout; from it up, {@code b & 3} picks the field to replace. */
    static final int LAYOUT_REPLACED = 0xF0;

    /** Opcodes 0x00-0x7F: a valid chain; bit 0 makes it indirect when INDIRECT_DESC was negotiated. */
    static final int OP_ADD_CHAIN = 0x00;
    static final int OP_ADD_INDIRECT_CHAIN = 0x01;
    /** Opcodes 0x80-0xBF: publish what was offered. */
    static final int OP_PUBLISH = 0x80;
    /** Opcodes 0xC0-0xDF: pop until empty, returning every chain; operands u32 offset, u16 length of a probe. */
    static final int OP_DRAIN = 0xC0;
    /** Opcodes 0xE0-0xEF: {@code b & 3}: disable, enable, needsNotification, driver sets flags and used_event. */
    static final int OP_NOTIFICATION = 0xE0;
    /** Opcodes 0xF0-0xFF: a rule-breaking write, {@code b & 7}: see {@link Run#hostile}. */
    static final int OP_HOSTILE = 0xF0;

    @FuzzTest(maxDuration = "60s")
    void chains(byte[] data) {
        FuzzInput in = new FuzzInput(data);
        int size = 1 << (in.u8() % 9);
        int featureBits = in.u8();
        long features = VirtioFeatures.bit(VirtioFeatures.VERSION_1)
                | ((featureBits & 1) != 0 ? VirtioFeatures.bit(VirtioFeatures.RING_INDIRECT_DESC) : 0)
                | ((featureBits & 2) != 0 ? VirtioFeatures.bit(VirtioFeatures.RING_EVENT_IDX) : 0);
        RegionGuestMemory memory = RegionGuestMemory.onHeap(new MemoryRegion(0, LOW_RAM_END, false),
                new MemoryRegion(LOW_RAM_END, HIGH_RAM_END - LOW_RAM_END, false),
                new MemoryRegion(ROM, ROM_END - ROM, true));
        MockDriverQueue driver = MockDriverQueue.at(memory, size, RINGS);
        QueueLayout layout = new QueueLayout(size, driver.descriptorTable(), driver.availableRing(),
                driver.usedRing());
        int layoutByte = in.u8();
        boolean replaced = layoutByte >= LAYOUT_REPLACED;
        if (replaced) {
            layout = switch (layoutByte & 3) {
                case 0 -> new QueueLayout(in.u16() | in.u8() << 16, layout.descriptorTable(), layout.availableRing(),
                        layout.usedRing());
                case 1 -> new QueueLayout(size, in.u64(), layout.availableRing(), layout.usedRing());
                case 2 -> new QueueLayout(size, layout.descriptorTable(), in.u64(), layout.usedRing());
                default -> new QueueLayout(size, layout.descriptorTable(), layout.availableRing(), in.u64());
            };
        }
        SplitVirtqueue queue;
        try {
            queue = SplitVirtqueue.create(0, layout, memory, features);
        } catch (InvalidQueueLayoutException e) {
            if (!replaced) {
                throw new AssertionError("the driver's own layout was refused", e);
            }
            return;
        }
        // a replaced layout the queue accepted works on whatever is there: nothing about it is well-behaved
        new Run(in, memory, driver, queue, features, replaced).run();
    }

    /** One chain as the driver built it, and what it cost. */
    private record Built(int head, List<Descriptor> readable, List<Descriptor> writable, int descriptors) {
    }

    /** The driver's program against one queue. */
    private static final class Run {
        private final FuzzInput in;
        private final RegionGuestMemory memory;
        private final MockDriverQueue driver;
        private final SplitVirtqueue queue;
        /** The queue's size; the driver's ({@code driver.size()}) differs only under a replaced layout. */
        private final int size;
        private final boolean indirectNegotiated;
        private final boolean eventIdx;
        /** Whether the queue looks at other rings than the driver writes: then nothing of the driver's is checked. */
        private final boolean layoutReplaced;
        /** Whether the driver broke a rule: from then on only the invariants hold, not the exact outcome. */
        private boolean hostile;
        private final ArrayDeque<Built> offered = new ArrayDeque<>();
        private final ArrayDeque<Built> published = new ArrayDeque<>();
        private final List<UsedElement> returned = new ArrayList<>();
        private int descriptorsInFlight;
        private int nextTableSlot;

        Run(FuzzInput in, RegionGuestMemory memory, MockDriverQueue driver, SplitVirtqueue queue, long features,
                boolean layoutReplaced) {
            this.in = in;
            this.memory = memory;
            this.driver = driver;
            this.queue = queue;
            this.size = queue.size();
            this.indirectNegotiated = VirtioFeatures.has(features, VirtioFeatures.RING_INDIRECT_DESC);
            this.eventIdx = VirtioFeatures.has(features, VirtioFeatures.RING_EVENT_IDX);
            this.layoutReplaced = layoutReplaced;
            this.hostile = layoutReplaced;
        }

        void run() {
            for (int op = 0; op < MAX_OPERATIONS && !in.exhausted(); op++) {
                int code = in.u8();
                if (code < OP_PUBLISH) {
                    addChain((code & 1) != 0 && indirectNegotiated);
                } else if (code < OP_DRAIN) {
                    publish();
                } else if (code < OP_NOTIFICATION) {
                    if (!drain()) {
                        return;
                    }
                } else if (code < OP_HOSTILE) {
                    notification(code & 3);
                } else {
                    hostile(code & 7);
                }
            }
            publish();
            drain();
        }

        // ---- the well-behaved driver ----------------------------------------------------------------------------

        private void addChain(boolean indirect) {
            int count = 1 + in.u8() % MAX_BUFFERS;
            int readable = in.u8() % (count + 1);
            List<Buffer> buffers = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                buffers.add(buffer(i >= readable));
            }
            int cost = indirect ? 1 : count;
            if (descriptorsInFlight + cost > driver.size() || offered.size() + published.size() >= driver.size()) {
                return; // a real driver waits for used buffers here
            }
            int head;
            if (indirect) {
                long table = TABLES + (long) TABLE_SLOT * nextTableSlot;
                nextTableSlot = (nextTableSlot + 1) % TABLE_SLOTS;
                head = driver.addIndirectChain(table, buffers.toArray(new Buffer[0]));
            } else {
                head = driver.addChain(buffers);
            }
            descriptorsInFlight += cost;
            List<Descriptor> r = new ArrayList<>();
            List<Descriptor> w = new ArrayList<>();
            for (Buffer b : buffers) {
                (b.writable() ? w : r).add(new Descriptor(b.address(), b.length(), b.writable()));
            }
            offered.add(new Built(head, r, w, cost));
        }

        /** A buffer inside one region: low RAM, high RAM, or (readable only) ROM. */
        private Buffer buffer(boolean writable) {
            int region = in.u8() % (writable ? 2 : 3);
            int offset = in.u16();
            int length = in.u16() % 4097;
            long start = region == 0 ? BUFFERS : region == 1 ? LOW_RAM_END : ROM;
            long end = region == 0 ? LOW_RAM_END : region == 1 ? HIGH_RAM_END : ROM_END;
            // even an empty buffer starts inside the region (its address must name guest memory)
            long address = start + offset % (end - start - Math.max(length, 1) + 1);
            return new Buffer(address, length, writable);
        }

        private void publish() {
            driver.publish();
            published.addAll(offered);
            offered.clear();
        }

        /** The suppression calls; where the queue's rings are the driver's, what they wrote and answered. */
        private void notification(int what) {
            switch (what) {
                case 0 -> {
                    queue.disableNotification();
                    check(layoutReplaced || eventIdx || queue.isBroken()
                            || driver.usedFlags() == MockDriverQueue.USED_F_NO_NOTIFY, "VIRTQ_USED_F_NO_NOTIFY not set");
                }
                case 1 -> {
                    boolean more = queue.enableNotification();
                    if (!layoutReplaced) {
                        boolean available = !queue.isBroken() && driver.availIndex() != queue.nextAvailIndex();
                        check(more == available, "enableNotification() said " + more);
                        check(queue.isBroken() || (eventIdx ? driver.availEvent() == queue.nextAvailIndex()
                                : driver.usedFlags() == 0), "notifications not enabled in the ring");
                    }
                }
                case 2 -> queue.needsNotification();
                default -> {
                    driver.setAvailFlags(in.u8() & MockDriverQueue.AVAIL_F_NO_INTERRUPT);
                    driver.setUsedEvent(in.u16());
                }
            }
        }

        /**
         * Pops until the ring is empty, returning each chain. Bounded: no more than a queue size of chains can be
         * available without a new publication.
         *
         * @return false once the queue is broken
         */
        private boolean drain() {
            long probeOffset = in.u32();
            int probeLength = in.u16();
            for (int pops = 0; pops <= size; pops++) {
                Optional<DescriptorChain> chain;
                try {
                    chain = queue.pop();
                } catch (InvalidChainException e) {
                    if (!hostile) {
                        throw new AssertionError("a valid chain was refused", e);
                    }
                    check(e.kind() != null, "refusal without a kind");
                    if (e.headIndex() >= 0 && e.headIndex() < size) {
                        queue.addUsed(e.headIndex(), 0);
                    } else {
                        check(e.kind() == InvalidChainException.Kind.INDEX, "out-of-range head refused as "
                                + e.kind());
                    }
                    forgetOne();
                    continue;
                } catch (VirtqueueBrokenException e) {
                    if (!hostile) {
                        throw new AssertionError("a well-behaved driver broke the queue", e);
                    }
                    check(queue.isBroken(), "broken but isBroken() is false");
                    try {
                        queue.pop();
                        throw new AssertionError("a broken queue served again");
                    } catch (VirtqueueBrokenException expected) {
                        return false;
                    } catch (InvalidChainException wrong) {
                        throw new AssertionError("a broken queue walked a chain", wrong);
                    }
                }
                if (chain.isEmpty()) {
                    if (hostile) {
                        // whatever the driver thinks it published, the device has taken all there was
                        published.clear();
                        descriptorsInFlight = offered.stream().mapToInt(Built::descriptors).sum();
                    } else {
                        check(published.isEmpty(), "published chains were not popped");
                        check(returned.equals(driver.takeUsed()), "the used ring differs from what was returned");
                        returned.clear();
                    }
                    return true;
                }
                DescriptorChain c = chain.get();
                checkServed(c, probeOffset, probeLength);
                if (hostile) {
                    forgetOne();
                } else {
                    Built b = published.poll();
                    check(b != null && b.head() == c.headIndex() && b.readable().equals(c.readable())
                            && b.writable().equals(c.writable()), "served " + c + " but built " + b);
                    descriptorsInFlight -= b.descriptors();
                }
                queue.addUsed(c.headIndex(), c.writableBytes());
                returned.add(new UsedElement(c.headIndex(), c.writableBytes()));
            }
            throw new AssertionError("more than a queue size of chains without a new publication");
        }

        /** Keeps the room accounting sane once the driver's own records no longer match the ring. */
        private void forgetOne() {
            Built b = published.poll();
            if (b != null) {
                descriptorsInFlight -= b.descriptors();
            }
        }

        /** The invariants of a served chain, and its accessors against their bounds. */
        private void checkServed(DescriptorChain c, long probeOffset, int probeLength) {
            check(c.headIndex() >= 0 && c.headIndex() < size, "head " + c.headIndex());
            long readableBytes = 0;
            long writableBytes = 0;
            for (Descriptor d : c.readable()) {
                check(!d.writable() && memory.contains(d.address(), d.length()), "readable " + d);
                readableBytes += d.length();
            }
            for (Descriptor d : c.writable()) {
                check(d.writable() && memory.contains(d.address(), d.length()), "writable " + d);
                check(!inRom(d.address()), "writable in ROM " + d);
                writableBytes += d.length();
            }
            check(readableBytes == c.readableBytes() && writableBytes == c.writableBytes(), "byte counts");
            check(readableBytes + writableBytes < 1L << 32, "2^32 bytes or more");
            // the whole sequences, as a device moves them (capped so a hostile chain of repeats stays cheap)
            int readLength = (int) Math.min(readableBytes, 1 << 16);
            ByteBuffer into = ByteBuffer.allocate(readLength);
            c.read(0, into);
            check(!into.hasRemaining(), "short read");
            check(sum(c.readableBuffers(0, readLength)) == readLength, "readable views");
            int writeLength = (int) Math.min(writableBytes, 1 << 16);
            c.write(0, ByteBuffer.allocate(writeLength));
            check(sum(c.writableBuffers(0, writeLength)) == writeLength, "writable views");
            // a probe the fuzzer places: inside the sequence it works, outside it is an index error, nothing else
            probe(probeOffset, probeLength, readableBytes, () -> c.read(probeOffset, ByteBuffer.allocate(probeLength)));
            probe(probeOffset, probeLength, writableBytes,
                    () -> c.write(probeOffset, ByteBuffer.allocate(probeLength)));
            probe(probeOffset, probeLength, readableBytes, () -> c.readableBuffers(probeOffset, probeLength));
            probe(probeOffset, probeLength, writableBytes, () -> c.writableBuffers(probeOffset, probeLength));
        }

        private static void probe(long offset, int length, long bytes, Runnable access) {
            boolean inside = offset + length <= bytes;
            try {
                access.run();
                check(inside, "an access past the sequence worked");
            } catch (IndexOutOfBoundsException e) {
                check(!inside, "an access inside the sequence failed: " + e);
            }
        }

        private static long sum(ByteBuffer[] views) {
            long n = 0;
            for (ByteBuffer v : views) {
                n += v.remaining();
            }
            return n;
        }

        private static boolean inRom(long address) {
            return address >= ROM && address < ROM_END;
        }

        // ---- the rule-breaking driver ---------------------------------------------------------------------------

        /**
         * {@code 0}, {@code 5}, {@code 6}: a raw descriptor in the queue's table; {@code 1}: a raw entry in the
         * indirect-table area; {@code 2}: a raw available entry; {@code 3}: a raw available index; {@code 4}: a raw
         * 16-bit value anywhere in the rings; {@code 7}: a raw available entry that names a descriptor and is
         * published at once.
         */
        private void hostile(int what) {
            hostile = true;
            switch (what) {
                case 1 -> driver.writeTable(TABLES + 16L * in.u8(), raw());
                case 2 -> driver.offer(in.u16());
                case 3 -> driver.setAvailIndex(in.u16());
                case 4 -> memory.writeShort(RINGS + (in.u16() % MockDriverQueue.footprint(driver.size()) & ~1L),
                        (short) in.u16());
                case 7 -> {
                    driver.offer(in.u8() % driver.size());
                    publish();
                }
                default -> driver.writeDescriptor(in.u16() % driver.size(), raw());
            }
        }

        /** A descriptor of fuzzer-chosen fields, with an address near the guest's memory more often than not. */
        private RawDescriptor raw() {
            int addressKind = in.u8();
            long address = switch (addressKind % 4) {
                case 0 -> in.u64();
                case 1 -> in.u32() % HIGH_RAM_END;
                case 2 -> LOW_RAM_END - in.u16() % 64;
                default -> (addressKind & 4) != 0 ? ROM + in.u16() % 0x1000 : HIGH_RAM_END - in.u16() % 64;
            };
            return new RawDescriptor(address, (int) in.u32(), in.u16(), in.u16());
        }

        private static void check(boolean condition, String what) {
            if (!condition) {
                throw new AssertionError(what);
            }
        }
    }
}
