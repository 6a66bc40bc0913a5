package dev.vmboot.virtio.blk.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.vmboot.api.memory.MemoryRegion;
import dev.vmboot.api.virtio.VirtioActivation;
import dev.vmboot.api.virtio.VirtioFeatures;
import dev.vmboot.api.virtio.VirtqueueBrokenException;
import dev.vmboot.memory.RegionGuestMemory;
import dev.vmboot.testkit.MockDriverQueue;
import dev.vmboot.testkit.MockDriverQueue.Buffer;
import dev.vmboot.testkit.MockDriverQueue.RawDescriptor;
import dev.vmboot.testkit.MockDriverQueue.UsedElement;
import dev.vmboot.testkit.RecordingVirtioInterrupt;
import dev.vmboot.virtio.InvalidQueueLayoutException;
import dev.vmboot.virtio.QueueLayout;
import dev.vmboot.virtio.SplitVirtqueue;

/**
 * The whole device under a driver that is mostly right and rarely breaks a rule (cloud-hypervisor's
 * {@code fuzz_targets/block.rs} shape): request types, sectors, lengths and descriptor layouts from the input, with
 * now and then a short header, a missing or readable status, a wild address, a looping or out-of-range descriptor or
 * an impossible available index. Only {@link VirtqueueBrokenException} may come out of the device; every used element
 * must name a head below the queue size and at most the writable bytes of a chain the test built; every chain of a
 * clean round must come back; a read-only disk's image never changes. A normal test run replays the inputs under
 * {@code BlkFuzzTestInputs/requests}; {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class BlkFuzzTest {
    static final int SECTORS = 128;
    static final long RAM = 1 << 20;
    static final long QUEUE_BASE = 0x1000;
    static final long TABLES = 0x8000;
    static final long BUFFERS = 0x10000;
    static final int[] TYPES = { 0, 1, 4, 8, 11, 13 };

    /** Two devices (read-only and writable) over small images, reset and activated again for each input. */
    static final class Disks {
        final Path readOnlyImage;
        final byte[] readOnlyHash;
        final VirtioBlk readOnly;
        final VirtioBlk writable;
        final RegionGuestMemory memory = RegionGuestMemory.onHeap(new MemoryRegion(0, RAM, false));

        Disks() throws IOException {
            Path dir = Files.createTempDirectory("blk-fuzz");
            dir.toFile().deleteOnExit();
            byte[] content = new byte[SECTORS * 512];
            Arrays.fill(content, (byte) 0xA5);
            readOnlyImage = Files.write(dir.resolve("ro.img"), content);
            Path writableImage = Files.write(dir.resolve("rw.img"), content);
            readOnlyImage.toFile().deleteOnExit();
            writableImage.toFile().deleteOnExit();
            readOnlyHash = sha256(readOnlyImage);
            BlkFactory factory = new BlkFactory(new ImageStorage());
            readOnly = (VirtioBlk) factory.create(Map.of("path", readOnlyImage.toString()));
            writable = (VirtioBlk) factory.create(Map.of("path", writableImage.toString(), "readonly", "false"));
        }
    }

    private static Disks disks;

    static synchronized Disks disks() {
        if (disks == null) {
            try {
                disks = new Disks();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return disks;
    }

    @FuzzTest(maxDuration = "60s")
    void requests(FuzzedDataProvider data) throws Exception {
        Disks d = disks();
        boolean readOnly = data.consumeBoolean();
        VirtioBlk device = readOnly ? d.readOnly : d.writable;
        int size = 1 << data.consumeInt(0, 4);
        long features = VirtioFeatures.bit(VirtioFeatures.VERSION_1)
                | (data.consumeBoolean() ? VirtioFeatures.bit(VirtioFeatures.RING_EVENT_IDX) : 0)
                | (data.consumeBoolean() ? VirtioFeatures.bit(VirtioFeatures.RING_INDIRECT_DESC) : 0)
                | (data.consumeBoolean() ? VirtioFeatures.bit(VirtioBlk.F_FLUSH) : 0);
        MockDriverQueue driver = MockDriverQueue.at(d.memory, size, QUEUE_BASE);
        SplitVirtqueue queue;
        try {
            queue = SplitVirtqueue.create(0, new QueueLayout(size, driver.descriptorTable(), driver.availableRing(),
                    driver.usedRing()), d.memory, features);
        } catch (InvalidQueueLayoutException e) {
            throw new AssertionError(e);
        }
        device.activate(new VirtioActivation(features, List.of(queue), new RecordingVirtioInterrupt(), d.memory));
        try {
            rounds(data, driver, device, size, features);
        } finally {
            device.reset();
        }
        if (readOnly && !Arrays.equals(d.readOnlyHash, sha256(d.readOnlyImage))) {
            throw new AssertionError("the read-only image changed");
        }
    }

    private static void rounds(FuzzedDataProvider data, MockDriverQueue driver, VirtioBlk device, int size,
            long features) {
        boolean indirect = VirtioFeatures.has(features, VirtioFeatures.RING_INDIRECT_DESC);
        boolean clean = true; // until a rule is broken: then stale entries may come back in later rounds too
        for (int round = data.consumeInt(1, 6); round > 0 && data.remainingBytes() > 0; round--) {
            Chains chains = new Chains(driver, data, BUFFERS);
            int descriptors = 0;
            while (data.consumeBoolean()) {
                List<Buffer> chain = chains.request();
                boolean useIndirect = indirect && data.consumeBoolean();
                int cost = useIndirect ? 1 : chain.size();
                if (descriptors + cost > size) {
                    break;
                }
                descriptors += cost;
                int head = useIndirect
                        ? driver.addIndirectChain(TABLES + 0x400L * chains.count, chain.toArray(Buffer[]::new))
                        : driver.addChain(chain);
                chains.built(head, chain);
                if (rarely(data)) {
                    clean = false;
                    sabotage(data, driver, size);
                }
            }
            driver.publish();
            if (rarely(data)) {
                clean = false;
                driver.setAvailIndex(data.consumeInt(0, 0xFFFF));
            }
            if (data.consumeBoolean()) {
                driver.setUsedEvent(data.consumeInt(0, 0xFFFF));
            }
            try {
                device.queueNotified(0);
            } catch (VirtqueueBrokenException expected) {
                return; // the transport would set NEEDS_RESET; the device is reset after the rounds
            }
            List<UsedElement> used;
            try {
                used = driver.takeUsed();
            } catch (IllegalStateException ranAhead) {
                if (clean) {
                    throw ranAhead;
                }
                return; // a hostile available index made the device serve more than the fixture can read back
            }
            chains.check(used, size, clean);
        }
    }

    /** Breaks one rule in a descriptor already written, or offers an arbitrary head. */
    private static void sabotage(FuzzedDataProvider data, MockDriverQueue driver, int size) {
        switch (data.consumeInt(0, 3)) {
            case 0 -> driver.offer(data.consumeInt(0, 0xFFFF)); // any head, even past the table
            case 1 -> driver.writeDescriptor(data.consumeInt(0, size - 1), new RawDescriptor(data.consumeLong(),
                    data.consumeInt(), data.consumeInt(0, 7), data.consumeInt(0, 0xFFFF)));
            case 2 -> driver.writeDescriptor(data.consumeInt(0, size - 1), new RawDescriptor(
                    data.consumeLong(0, RAM + 4096), data.consumeInt(0, 1 << 16), MockDriverQueue.F_NEXT,
                    data.consumeInt(0, size - 1))); // a loop or a jump inside the table
            default -> driver.setAvailFlags(data.consumeInt(0, 0xFFFF));
        }
    }

    static boolean rarely(FuzzedDataProvider data) {
        return data.consumeInt(0, 31) == 0;
    }

    static byte[] sha256(Path file) throws IOException {
        try {
            return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** The chains of one round: how they are built from the input, and what may come back for them. */
    static final class Chains {
        final MockDriverQueue driver;
        final FuzzedDataProvider data;
        final Map<Integer, Long> writableBytes = new HashMap<>();
        long next;
        int count;

        Chains(MockDriverQueue driver, FuzzedDataProvider data, long start) {
            this.driver = driver;
            this.data = data;
            this.next = start;
        }

        /** A request, well-formed unless the input says otherwise (rarely). */
        List<Buffer> request() {
            int type = rarely(data) ? data.consumeInt() : TYPES[data.consumeInt(0, TYPES.length - 1)];
            long sector = rarely(data) ? data.consumeLong() : data.consumeInt(0, SECTORS);
            int length = rarely(data) ? data.consumeInt(0, 9000) : 512 * data.consumeInt(0, 8);
            boolean dataWritable = type == 0 || type == 8 ? !rarely(data) : rarely(data);
            if (type == 11 || type == 13) {
                length = rarely(data) ? data.consumeInt(0, 40) : 16;
            }
            ByteBuffer header = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putInt(type).putInt(0)
                    .putLong(sector);
            List<Buffer> chain = new ArrayList<>();
            int headerLength = rarely(data) ? data.consumeInt(0, 15) : 16;
            chain.add(Buffer.readable(put(Arrays.copyOf(header.array(), headerLength)), headerLength));
            int pieces = data.consumeInt(1, 3);
            for (int i = 0; i < pieces && length > 0; i++) {
                int piece = i == pieces - 1 ? length : data.consumeInt(1, length);
                long at = dataWritable ? allocate(piece) : put(segmentOrBytes(type, piece));
                chain.add(new Buffer(at, piece, dataWritable));
                length -= piece;
            }
            if (!rarely(data)) {
                chain.add(Buffer.writable(allocate(1), 1));
            }
            return chain;
        }

        private byte[] segmentOrBytes(int type, int length) {
            if ((type == 11 || type == 13) && length == 16) {
                return ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(data.consumeInt(0, SECTORS))
                        .putInt(data.consumeInt(0, 16)).putInt(rarely(data) ? data.consumeInt() : 0).array();
            }
            return new byte[length];
        }

        private long allocate(int length) {
            long at = next;
            next = (next + length + 7) & ~7L;
            if (next > RAM) {
                throw new IllegalStateException("fuzz round used up RAM");
            }
            return at;
        }

        private long put(byte[] bytes) {
            long at = allocate(bytes.length);
            driver.memory().write(at, bytes);
            return at;
        }

        void built(int head, List<Buffer> chain) {
            writableBytes.put(head, chain.stream().filter(Buffer::writable).mapToLong(Buffer::length).sum());
            count++;
        }

        void check(List<UsedElement> used, int size, boolean clean) {
            for (UsedElement u : used) {
                if (u.id() >= size) {
                    throw new AssertionError("used head " + u.id() + " of a queue of " + size);
                }
                Long writable = writableBytes.get(u.id());
                if (clean && (writable == null || u.length() > writable)) {
                    throw new AssertionError("used " + u + " for a chain with " + writable + " writable bytes");
                }
            }
            if (clean && used.size() != count) {
                throw new AssertionError(count + " chains offered, " + used.size() + " used");
            }
        }
    }
}
