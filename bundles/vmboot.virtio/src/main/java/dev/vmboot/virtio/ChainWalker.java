package dev.vmboot.virtio;

import dev.vmboot.api.virtio.InvalidChainException;
import dev.vmboot.api.virtio.InvalidChainException.Kind;

/**
 * Walks one descriptor chain of a queue to its end and checks every descriptor, so a device gets either a whole valid
 * chain or an {@link InvalidChainException} naming the rule the driver broke. Each 16-byte table entry is read out of
 * guest memory once, as two 64-bit words, and only those copies are checked and kept. The walk is bounded by
 * construction: at most the queue size of descriptors in the descriptor table, then at most the entry count of one
 * indirect table, so at most 32768 + 65536 entries are read for one chain whatever the driver wrote.
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
 * Not thread-safe: it belongs to its queue and is used by the queue's owner thread only (the walk in progress lives in
 * its fields).
 * <p>
 * Cost: a 1 MiB read from Linux brings up to 254 descriptors, and a fresh VMM serves its first few hundred requests
 * before the JIT compiler has compiled the methods it calls once per request (inside the nested lab, the interpreter
 * and the compiler took as much time in a VM's first 256 MiB read as the copy into guest RAM). So the work per
 * descriptor is in {@link #step}, which runs once per descriptor and is compiled after the first few chains; a
 * descriptor is read as two words straight from the cached view of guest RAM, and the buffers are kept in arrays,
 * with no object per descriptor.
 */
final class ChainWalker {

    /** The most entries an indirect table may have: {@code next} is a 16-bit index. */
    static final int MAX_INDIRECT_ENTRIES = 1 << 16;

    /** virtio 1.2, 2.7.5.2: "Drivers MUST NOT add a descriptor chain longer than 2^32 bytes in total". */
    static final long MAX_CHAIN_BYTES = 1L << 32;

    /** What {@link #step} returns at the end of the chain. */
    private static final int END = -1;

    private final GuestRamViews ram;
    private final long table;
    /** The region of the descriptor table (the layout was checked: it lies in one). */
    private final int tableRegion;
    private final int size;
    private final boolean indirectNegotiated;
    /** The buffers of the chain being walked, reused from chain to chain (each chain gets copies). */
    private final BufferList readable = new BufferList();
    private final BufferList writable = new BufferList();

    // the walk in progress
    private int head;
    private long tableAddress;
    private int tableRegionNow;
    private int tableEntries;
    /** Descriptors the current table may still give. */
    private int budget;
    private boolean inIndirect;

    /**
     * @param table              the queue's descriptor table, checked to be inside guest memory
     * @param size               the queue size
     * @param indirectNegotiated whether {@code VIRTIO_F_RING_INDIRECT_DESC} was negotiated
     */
    ChainWalker(GuestRamViews ram, long table, int size, boolean indirectNegotiated) {
        this.ram = ram;
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
        this.head = head;
        tableAddress = table;
        tableRegionNow = tableRegion;
        tableEntries = size;
        budget = size;
        inIndirect = false;
        readable.clear();
        writable.clear();
        int index = head;
        do {
            index = step(index);
        } while (index != END);
        return new SplitDescriptorChain(head, readable.sequence(ram, false), writable.sequence(ram, true));
    }

    /**
     * Reads and checks entry {@code index} of the current table: a buffer is added to its direction, an indirect
     * descriptor makes its table the current one.
     *
     * @return the index of the next entry to take, or {@link #END}
     */
    private int step(int index) throws InvalidChainException {
        if (budget == 0) {
            throw new InvalidChainException(Kind.LOOP, head, (inIndirect ? "indirect table" : "chain")
                    + " has more descriptors than the " + tableEntries + " its table holds");
        }
        budget--;
        long entry = tableAddress + (long) RawDescriptor.BYTES * index;
        long address = ram.readLong(tableRegionNow, entry);
        long word = ram.readLong(tableRegionNow, entry + RawDescriptor.SECOND_WORD);
        int flags = RawDescriptor.flags(word);
        long length = RawDescriptor.length(word);
        if ((flags & RawDescriptor.F_INDIRECT) != 0) {
            enterIndirect(address, length, flags);
            return 0;
        }
        if (readable.bytes() + writable.bytes() + length >= MAX_CHAIN_BYTES) {
            throw new InvalidChainException(Kind.TOO_LONG, head, "buffers add up to "
                    + (readable.bytes() + writable.bytes() + length) + " bytes, 2^32 or more");
        }
        int region = ram.region(address, length);
        if (region < 0) {
            throw new InvalidChainException(Kind.ADDRESS, head, String.format(
                    "buffer [0x%x, +0x%x) is not inside one guest memory region", address, length));
        }
        if ((flags & RawDescriptor.F_WRITE) != 0) {
            if (ram.readOnly(region)) {
                throw new InvalidChainException(Kind.ADDRESS, head, String.format(
                        "device-writable buffer at 0x%x is in read-only memory", address));
            }
            writable.add(address, length, region);
        } else {
            if (writable.count() != 0) {
                throw new InvalidChainException(Kind.ORDER, head, String.format(
                        "device-readable buffer at 0x%x after a device-writable one", address));
            }
            readable.add(address, length, region);
        }
        if ((flags & RawDescriptor.F_NEXT) == 0) {
            return END;
        }
        int next = RawDescriptor.next(word);
        if (next >= tableEntries) {
            throw new InvalidChainException(Kind.INDEX, head, "next index " + next + " is not below the "
                    + (inIndirect ? "indirect table's " : "queue's ") + tableEntries + " entries");
        }
        return next;
    }

    /** Checks an indirect descriptor and makes its table the current one, to be walked from entry 0. */
    private void enterIndirect(long address, long length, int flags) throws InvalidChainException {
        String problem = null;
        int region = -1;
        if (!indirectNegotiated) {
            problem = "indirect descriptor without VIRTIO_F_RING_INDIRECT_DESC";
        } else if (inIndirect) {
            problem = "indirect descriptor inside an indirect table";
        } else if ((flags & RawDescriptor.F_NEXT) != 0) {
            problem = "indirect descriptor with NEXT set";
        } else if (length == 0 || length % RawDescriptor.BYTES != 0) {
            problem = "indirect table of " + length + " bytes, not a non-zero multiple of 16";
        } else if (length / RawDescriptor.BYTES > MAX_INDIRECT_ENTRIES) {
            problem = "indirect table of " + length / RawDescriptor.BYTES + " entries, more than "
                    + MAX_INDIRECT_ENTRIES;
        } else if ((region = ram.region(address, length)) < 0) {
            problem = String.format("indirect table [0x%x, +0x%x) is not inside one guest memory region",
                    address, length);
        }
        if (problem != null) {
            throw new InvalidChainException(Kind.INDIRECT, head, problem);
        }
        tableAddress = address;
        tableRegionNow = region;
        tableEntries = (int) (length / RawDescriptor.BYTES);
        budget = tableEntries;
        inIndirect = true;
    }
}
