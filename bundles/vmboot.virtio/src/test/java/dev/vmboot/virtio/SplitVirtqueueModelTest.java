package dev.vmboot.virtio;

import static dev.vmboot.testkit.MockDriverQueue.F_INDIRECT;
import static dev.vmboot.testkit.MockDriverQueue.F_NEXT;
import static dev.vmboot.testkit.MockDriverQueue.F_WRITE;
import static dev.vmboot.virtio.TestRings.BUFFERS;
import static dev.vmboot.virtio.TestRings.EVENT_IDX;
import static dev.vmboot.virtio.TestRings.HIGH_RAM;
import static dev.vmboot.virtio.TestRings.HIGH_RAM_END;
import static dev.vmboot.virtio.TestRings.INDIRECT;
import static dev.vmboot.virtio.TestRings.LOW_RAM_END;
import static dev.vmboot.virtio.TestRings.ROM;
import static dev.vmboot.virtio.TestRings.TABLES;
import static dev.vmboot.virtio.TestRings.VERSION_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.vmboot.api.virtio.Descriptor;
import dev.vmboot.api.virtio.DescriptorChain;
import dev.vmboot.api.virtio.InvalidChainException;
import dev.vmboot.api.virtio.InvalidChainException.Kind;
import dev.vmboot.testkit.MockDriverQueue;
import dev.vmboot.testkit.MockDriverQueue.RawDescriptor;
import dev.vmboot.testkit.MockDriverQueue.UsedElement;

/**
 * Model-based: a seeded generator decides what each chain should come to (served, or refused for one rule of virtio
 * 1.2, 2.7.4 and 2.7.5), builds a chain that breaks exactly that rule (direct, indirect, or normal descriptors followed
 * by an indirect table, 2.7.5.3.2), and the queue's answer must match, chain after chain, in batches, past the 16-bit
 * wrap of the ring indices. The used ring must then hold exactly the heads given back.
 */
class SplitVirtqueueModelTest {

    private static final int SIZE = 64;
    private static final int MAX_BATCH = 8; // at most 8 descriptors a chain in the table: never more than SIZE in flight
    /** A table of 4096 device-writable MiB of high RAM: 2^32 bytes, one too many (2.7.5.2). */
    private static final long BIG_TABLE = HIGH_RAM_END - (64 << 10);
    private static final int BIG_TABLE_ENTRIES = 4096;

    /** One buffer of the chain the model means. */
    private record Piece(long address, int length, boolean writable) {
    }

    /** A descriptor as the generator will write it. */
    private static final class Entry {
        long address;
        int length;
        int flags;
        int next;

        Entry(long address, int length, int flags) {
            this.address = address;
            this.length = length;
            this.flags = flags;
        }

        RawDescriptor raw() {
            return new RawDescriptor(address, length, flags, next);
        }
    }

    /** What the queue must answer for one offered head: null kind for a chain served with these buffers. */
    private record Expected(int head, Kind kind, List<Descriptor> readable, List<Descriptor> writable) {
    }

    private final TestRings rings = new TestRings(SIZE, VERSION_1 | INDIRECT | EVENT_IDX);
    private final MockDriverQueue driver = rings.driver;
    private final Random random = new Random(2024);

    @Test
    void randomChainsComeToTheOutcomeTheyWereBuiltFor() throws Exception {
        RawDescriptor[] big = new RawDescriptor[BIG_TABLE_ENTRIES];
        for (int i = 0; i < big.length; i++) {
            big[i] = new RawDescriptor(HIGH_RAM, 1 << 20, F_WRITE | (i == big.length - 1 ? 0 : F_NEXT), i + 1);
        }
        driver.writeTable(BIG_TABLE, big);
        Map<Kind, Integer> refusals = new EnumMap<>(Kind.class);
        int served = 0;
        int popped = 0;
        while (popped < 70_000) {
            int batch = 1 + random.nextInt(MAX_BATCH);
            List<Expected> expected = new ArrayList<>();
            for (int i = 0; i < batch; i++) {
                expected.add(offer(i));
            }
            driver.publish();
            List<UsedElement> returned = new ArrayList<>();
            for (Expected e : expected) {
                popped++;
                try {
                    Optional<DescriptorChain> chain = rings.queue.pop();
                    assertTrue(chain.isPresent(), "chain " + popped);
                    DescriptorChain c = chain.get();
                    if (e.kind() != null) {
                        fail("chain " + popped + " should be refused for " + e.kind() + " but was served: " + c);
                    }
                    assertEquals(e.head(), c.headIndex());
                    assertEquals(e.readable(), c.readable(), "chain " + popped);
                    assertEquals(e.writable(), c.writable(), "chain " + popped);
                    rings.queue.addUsed(c.headIndex(), c.writableBytes());
                    returned.add(new UsedElement(c.headIndex(), c.writableBytes()));
                    served++;
                } catch (InvalidChainException x) {
                    assertEquals(e.kind(), x.kind(), "chain " + popped + ": " + x.getMessage());
                    assertEquals(e.head(), x.headIndex());
                    refusals.merge(x.kind(), 1, Integer::sum);
                    if (x.headIndex() < SIZE) {
                        rings.queue.addUsed(x.headIndex(), 0);
                        returned.add(new UsedElement(x.headIndex(), 0));
                    }
                }
            }
            assertTrue(rings.queue.pop().isEmpty());
            assertEquals(returned, driver.takeUsed());
        }
        assertEquals(popped & 0xFFFF, rings.queue.nextAvailIndex());
        assertTrue(served > popped / 3, "served " + served);
        for (Kind kind : Kind.values()) {
            assertTrue(refusals.getOrDefault(kind, 0) >= 100, kind + " refused " + refusals.get(kind) + " times");
        }
    }

    /** Decides the outcome of the {@code slot}-th chain of a batch, writes a chain that must come to it, offers it. */
    private Expected offer(int slot) {
        List<Piece> pieces = validPieces();
        Kind kind = random.nextInt(3) == 0 ? Kind.values()[random.nextInt(Kind.values().length)] : null;
        if (kind == Kind.TOO_LONG && random.nextInt(8) != 0) {
            kind = null; // each of those walks 4096 descriptors: keep them rarer
        }
        if (kind == Kind.ADDRESS) {
            int victim = random.nextInt(pieces.size());
            pieces.set(victim, badPiece(pieces.get(victim)));
        } else if (kind == Kind.ORDER) {
            if (pieces.stream().noneMatch(Piece::writable)) {
                pieces.add(new Piece(BUFFERS + 0x3000, 8, true));
            }
            pieces.add(new Piece(BUFFERS + 0x3100, 8, false));
        }
        boolean indirect = kind == Kind.INDIRECT || kind == Kind.TOO_LONG || random.nextBoolean();
        // the normal descriptors before an indirect one, and the ones in its table
        int prefix = indirect ? random.nextInt(Math.min(3, pieces.size())) : pieces.size();
        List<Entry> direct = new ArrayList<>();
        List<Entry> table = new ArrayList<>();
        for (int i = 0; i < pieces.size(); i++) {
            Piece p = pieces.get(i);
            (i < prefix ? direct : table).add(new Entry(p.address(), p.length(), p.writable() ? F_WRITE : 0));
        }
        long tableAddress = TABLES + 0x100L * slot;
        if (indirect) {
            direct.add(new Entry(tableAddress, 16 * table.size(), F_INDIRECT | (random.nextBoolean() ? F_WRITE : 0)));
        }
        int[] indices = new int[direct.size()];
        for (int i = 0; i < indices.length; i++) {
            indices[i] = driver.allocateDescriptor();
        }
        link(direct, indices);
        link(table, null);
        Entry indirectEntry = indirect ? direct.get(direct.size() - 1) : null;
        List<Entry> last = indirect ? table : direct;
        int head = indices[0];
        switch (kind == null ? Kind.ORDER : kind) {
            case INDEX -> {
                if (random.nextBoolean()) {
                    head = SIZE + random.nextInt(0x10000 - SIZE);
                } else {
                    Entry e = last.get(last.size() - 1);
                    int entries = indirect ? table.size() : SIZE;
                    e.flags |= F_NEXT;
                    e.next = entries + random.nextInt(0x10000 - entries);
                }
            }
            case LOOP -> loop(last, indirect ? null : indices);
            case INDIRECT -> breakIndirect(indirectEntry, table);
            case TOO_LONG -> {
                indirectEntry.address = BIG_TABLE;
                indirectEntry.length = 16 * BIG_TABLE_ENTRIES;
            }
            default -> {
                // ADDRESS and ORDER are in the pieces; a served chain is as built
            }
        }
        for (int i = 0; i < indices.length; i++) {
            driver.writeDescriptor(indices[i], direct.get(i).raw());
        }
        for (int i = 0; i < table.size(); i++) {
            driver.writeTable(tableAddress + 16L * i, table.get(i).raw());
        }
        driver.offer(head);
        List<Descriptor> readable = new ArrayList<>();
        List<Descriptor> writable = new ArrayList<>();
        for (Piece p : kind == null ? pieces : List.<Piece>of()) {
            (p.writable() ? writable : readable).add(new Descriptor(p.address(), p.length(), p.writable()));
        }
        return new Expected(head, kind, readable, writable);
    }

    /** One to six buffers, readable ones first, in RAM (readable ones sometimes in ROM), sometimes empty. */
    private List<Piece> validPieces() {
        int readable = random.nextInt(4);
        int writable = random.nextInt(4);
        if (readable + writable == 0) {
            readable = 1;
        }
        List<Piece> pieces = new ArrayList<>();
        for (int i = 0; i < readable + writable; i++) {
            boolean w = i >= readable;
            int length = random.nextInt(8) == 0 ? 0 : 1 + random.nextInt(4096);
            long address = switch (random.nextInt(w ? 2 : 3)) {
                case 0 -> BUFFERS + random.nextInt((int) (LOW_RAM_END - BUFFERS) - length);
                case 1 -> HIGH_RAM + random.nextInt((1 << 20) - length);
                default -> ROM + random.nextInt((int) TestRings.ROM_SIZE - length);
            };
            pieces.add(new Piece(address, length, w));
        }
        return pieces;
    }

    /** The same kind of buffer, somewhere it may not be. */
    private Piece badPiece(Piece p) {
        int length = 16 + random.nextInt(4096);
        int variant = random.nextInt(p.writable() ? 5 : 4);
        long address = switch (variant) {
            case 0 -> HIGH_RAM_END - 1 - random.nextInt(length - 1); // runs past the end of RAM
            case 1 -> LOW_RAM_END - 1 - random.nextInt(length - 1); // across two regions
            case 2 -> (3L << 20) + random.nextInt(1 << 19); // in no region
            case 3 -> -1L - random.nextInt(length - 1); // wraps round 2^64
            default -> ROM + random.nextInt(1024); // writable in ROM
        };
        return new Piece(address, length, p.writable());
    }

    /** Links each entry to the next: through {@code indices} in the queue's table, else by table position. */
    private static void link(List<Entry> entries, int[] indices) {
        for (int i = 0; i + 1 < entries.size(); i++) {
            entries.get(i).flags |= F_NEXT;
            entries.get(i).next = indices == null ? i + 1 : indices[i + 1];
        }
    }

    /**
     * Points the last entry back into its own list. Back to a writable entry if the chain has any (else the repeated
     * readable ones would break the order rule first), anywhere otherwise.
     */
    private void loop(List<Entry> entries, int[] indices) {
        int last = entries.size() - 1;
        int first = 0;
        if ((entries.get(last).flags & F_WRITE) != 0) {
            first = last;
            while (first > 0 && (entries.get(first - 1).flags & F_WRITE) != 0) {
                first--;
            }
        }
        int target = first + random.nextInt(last - first + 1);
        entries.get(last).flags |= F_NEXT;
        entries.get(last).next = indices == null ? target : indices[target];
    }

    /** Breaks one rule of 2.7.5.3.1 for the indirect descriptor {@code d} or its {@code table}. */
    private void breakIndirect(Entry d, List<Entry> table) {
        switch (random.nextInt(6)) {
            case 0 -> table.get(table.size() - 1).flags = F_INDIRECT; // a table inside the table
            case 1 -> {
                d.flags |= F_NEXT; // together with NEXT
                d.next = random.nextInt(SIZE);
            }
            case 2 -> d.length = 16 * table.size() + 1 + random.nextInt(15); // not a multiple of 16
            case 3 -> d.length = 0;
            case 4 -> d.address = random.nextBoolean() ? 3L << 20 : LOW_RAM_END - 8; // outside RAM, across regions
            default -> d.length = 16 * (65537 + random.nextInt(1000)); // more entries than next can reach
        }
    }
}
