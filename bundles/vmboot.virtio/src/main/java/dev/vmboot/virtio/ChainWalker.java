package dev.vmboot.virtio;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import dev.vmboot.api.memory.GuestMemory;
import dev.vmboot.api.virtio.Descriptor;
import dev.vmboot.api.virtio.InvalidChainException;
import dev.vmboot.api.virtio.InvalidChainException.Kind;

/**
 * Walks one descriptor chain of a queue to its end and checks every descriptor, so a device gets either a whole valid
 * chain or an {@link InvalidChainException} naming the rule the driver broke. Each 16-byte table entry is copied out
 * of guest memory once and only the copy is checked and kept. The walk is bounded by construction: at most the queue
 * size of descriptors in the descriptor table, then at most the entry count of one indirect table, so at most
 * 32768 + 65536 entries are read for one chain whatever the driver wrote.
 * <p>
 * The rules, in the order they are checked for each descriptor:
 * <ol>
 * <li>{@link Kind#LOOP}: more descriptors than the table they come from holds (a chain can use each entry at most
 * once, so a longer one loops; virtio 1.2, 2.7.5.2 "this implies that loops in the descriptor chain are
 * forbidden").</li>
 * <li>{@link Kind#INDIRECT} (2.7.5.3.1): an indirect descriptor without {@code VIRTIO_F_RING_INDIRECT_DESC}, inside an
 * indirect table, with NEXT set, or with a table that is empty, not a multiple of 16 bytes, of more than 65536
 * entries (what a 16-bit {@code next} can reach) or not inside one guest memory region. Its WRITE flag is ignored
 * (2.7.5.3.2), and normal descriptors before it are allowed (2.7.5.3.2: "zero or more normal chained descriptors
 * followed by a single descriptor with flags&amp;VIRTQ_DESC_F_INDIRECT").</li>
 * <li>{@link Kind#TOO_LONG} (2.7.5.2): the buffers so far add up to 2^32 bytes or more.</li>
 * <li>{@link Kind#ADDRESS}: the buffer is not inside one guest memory region (past its end, across two regions,
 * wrapping past 2^64), or is device-writable and in read-only memory. Zero-length buffers pass if their address is
 * inside a region; what they mean is the device's business.</li>
 * <li>{@link Kind#ORDER} (2.7.4.2 "The driver MUST place any device-writable descriptor elements after any
 * device-readable descriptor elements"): a readable buffer after a writable one.</li>
 * <li>{@link Kind#INDEX} (2.7.5): a {@code next} (or the head) not below the size of its table.</li>
 * </ol>
 * Not thread-safe: it belongs to its queue and is used by the queue's owner thread only (it reuses a scratch array).
 */
final class ChainWalker {

    /** The most entries an indirect table may have: {@code next} is a 16-bit index. */
    static final int MAX_INDIRECT_ENTRIES = 1 << 16;

    /** virtio 1.2, 2.7.5.2: "Drivers MUST NOT add a descriptor chain longer than 2^32 bytes in total". */
    static final long MAX_CHAIN_BYTES = 1L << 32;

    private final GuestRamViews ram;
    private final GuestMemory memory;
    private final long table;
    /** The region of the descriptor table (the layout was checked: it lies in one). */
    private final int tableRegion;
    private final int size;
    private final boolean indirectNegotiated;
    private final byte[] scratch = new byte[RawDescriptor.BYTES];
    /** Region indices of the buffers being collected, reused from chain to chain (they are copied out). */
    private int[] readableRegions = new int[8];
    private int[] writableRegions = new int[8];

    /**
     * @param table              the queue's descriptor table, checked to be inside guest memory
     * @param size               the queue size
     * @param indirectNegotiated whether {@code VIRTIO_F_RING_INDIRECT_DESC} was negotiated
     */
    ChainWalker(GuestRamViews ram, long table, int size, boolean indirectNegotiated) {
        this.ram = ram;
        this.memory = ram.memory();
        this.table = table;
        this.tableRegion = ram.region(table, (long) RawDescriptor.BYTES * size);
        this.size = size;
        this.indirectNegotiated = indirectNegotiated;
    }

    /**
     * Walks the chain starting at descriptor {@code head} (a value the driver wrote into the available ring).
     *
     * @throws InvalidChainException for the first rule the chain breaks
     */
    SplitDescriptorChain walk(int head) throws InvalidChainException {
        if (head >= size) {
            throw new InvalidChainException(Kind.INDEX, head,
                    "head index " + head + " is not below the queue size " + size);
        }
        List<Descriptor> readable = new ArrayList<>(4);
        List<Descriptor> writable = new ArrayList<>(4);
        long readableBytes = 0;
        long writableBytes = 0;
        long tableAddress = table;
        int tableRegionNow = tableRegion;
        int tableEntries = size;
        int budget = size; // descriptors this table may still give
        boolean inIndirect = false;
        int index = head;
        while (true) {
            if (budget == 0) {
                throw new InvalidChainException(Kind.LOOP, head, (inIndirect ? "indirect table" : "chain")
                        + " has more descriptors than the " + tableEntries + " its table holds");
            }
            budget--;
            RawDescriptor d = readDescriptor(tableRegionNow, tableAddress + (long) RawDescriptor.BYTES * index);
            if (d.indirect()) {
                tableRegionNow = checkIndirect(head, d, inIndirect);
                tableAddress = d.address();
                tableEntries = (int) (d.unsignedLength() / RawDescriptor.BYTES);
                budget = tableEntries;
                inIndirect = true;
                index = 0;
                continue;
            }
            long length = d.unsignedLength();
            if (readableBytes + writableBytes + length >= MAX_CHAIN_BYTES) {
                throw new InvalidChainException(Kind.TOO_LONG, head,
                        "buffers add up to " + (readableBytes + writableBytes + length) + " bytes, 2^32 or more");
            }
            int region = ram.region(d.address(), length);
            if (region < 0) {
                throw new InvalidChainException(Kind.ADDRESS, head, String.format(
                        "buffer [0x%x, +0x%x) is not inside one guest memory region", d.address(), length));
            }
            if (d.deviceWritable()) {
                if (ram.readOnly(region)) {
                    throw new InvalidChainException(Kind.ADDRESS, head, String.format(
                            "device-writable buffer at 0x%x is in read-only memory", d.address()));
                }
                writableRegions = put(writableRegions, writable.size(), region);
                writable.add(new Descriptor(d.address(), length, true));
                writableBytes += length;
            } else {
                if (!writable.isEmpty()) {
                    throw new InvalidChainException(Kind.ORDER, head, String.format(
                            "device-readable buffer at 0x%x after a device-writable one", d.address()));
                }
                readableRegions = put(readableRegions, readable.size(), region);
                readable.add(new Descriptor(d.address(), length, false));
                readableBytes += length;
            }
            if (!d.hasNext()) {
                return new SplitDescriptorChain(head,
                        new BufferSequence(ram, Collections.unmodifiableList(readable),
                                Arrays.copyOf(readableRegions, readable.size()), readableBytes),
                        new BufferSequence(ram, Collections.unmodifiableList(writable),
                                Arrays.copyOf(writableRegions, writable.size()), writableBytes));
            }
            index = d.next();
            if (index >= tableEntries) {
                throw new InvalidChainException(Kind.INDEX, head, "next index " + index + " is not below the "
                        + (inIndirect ? "indirect table's " : "queue's ") + tableEntries + " entries");
            }
        }
    }

    /** Sets {@code values[at]}, growing the array (doubling) if needed; returns the array. */
    private static int[] put(int[] values, int at, int value) {
        int[] v = at < values.length ? values : Arrays.copyOf(values, values.length * 2);
        v[at] = value;
        return v;
    }

    /** The descriptor at {@code address} in table region {@code region}, copied once out of guest memory. */
    private RawDescriptor readDescriptor(int region, long address) {
        if (!ram.copyDescriptor(region, address, scratch)) {
            memory.read(address, scratch, 0, RawDescriptor.BYTES);
        }
        return RawDescriptor.decode(scratch);
    }

    /** @return the region of the indirect table */
    private int checkIndirect(int head, RawDescriptor d, boolean inIndirect) throws InvalidChainException {
        String problem = null;
        long length = d.unsignedLength();
        int region = -1;
        if (!indirectNegotiated) {
            problem = "indirect descriptor without VIRTIO_F_RING_INDIRECT_DESC";
        } else if (inIndirect) {
            problem = "indirect descriptor inside an indirect table";
        } else if (d.hasNext()) {
            problem = "indirect descriptor with NEXT set";
        } else if (length == 0 || length % RawDescriptor.BYTES != 0) {
            problem = "indirect table of " + length + " bytes, not a non-zero multiple of 16";
        } else if (length / RawDescriptor.BYTES > MAX_INDIRECT_ENTRIES) {
            problem = "indirect table of " + length / RawDescriptor.BYTES + " entries, more than "
                    + MAX_INDIRECT_ENTRIES;
        } else if ((region = ram.region(d.address(), length)) < 0) {
            problem = String.format("indirect table [0x%x, +0x%x) is not inside one guest memory region",
                    d.address(), length);
        }
        if (problem != null) {
            throw new InvalidChainException(Kind.INDIRECT, head, problem);
        }
        return region;
    }
}
