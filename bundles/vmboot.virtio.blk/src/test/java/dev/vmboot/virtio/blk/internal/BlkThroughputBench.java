package dev.vmboot.virtio.blk.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.vmboot.api.memory.MemoryRegion;
import dev.vmboot.api.virtio.VirtioActivation;
import dev.vmboot.api.virtio.VirtioFeatures;
import dev.vmboot.memory.RegionGuestMemory;
import dev.vmboot.testkit.MockDriverQueue;
import dev.vmboot.testkit.MockDriverQueue.Buffer;
import dev.vmboot.testkit.RecordingVirtioInterrupt;
import dev.vmboot.virtio.QueueLayout;
import dev.vmboot.virtio.SplitVirtqueue;

/**
 * The device's own cost per request, without a guest: 1 MiB reads of 256 page-sized segments (what Linux's virtio-blk
 * sends for {@code dd bs=1M iflag=direct}) from a file in the page cache into direct guest memory, served one per
 * {@code queueNotified} as a synchronous reader gets them. Prints requests per second and MB/s, medians of rounds.
 * Usage (after mvn test-compile): java -XX:TieredStopAtLevel=1 -cp ... BlkThroughputBench [MiB] [rounds]
 */
public final class BlkThroughputBench {
    private static final int SEGMENTS = 254;
    private static final int PAGE = 4096;

    public static void main(String[] args) throws Exception {
        int mib = args.length > 0 ? Integer.parseInt(args[0]) : 256;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        Path image = Files.createTempFile("vmboot-blk-bench", ".img");
        try (FileChannel ch = FileChannel.open(image, StandardOpenOption.WRITE)) {
            ByteBuffer block = ByteBuffer.allocate(1 << 20);
            for (int i = 0; i < mib; i++) {
                block.clear();
                ch.write(block);
            }
        }
        try {
            run(image, mib, rounds);
        } finally {
            Files.delete(image);
        }
    }

    private static void run(Path image, int mib, int rounds) throws IOException {
        long ram = 64L << 20;
        RegionGuestMemory memory = new RegionGuestMemory();
        memory.map(new MemoryRegion(0, ram, false), ByteBuffer.allocateDirect((int) ram));
        VirtioBlk device = (VirtioBlk) new BlkFactory(new ImageStorage()).create(Map.of("path", image.toString()));
        long features = VirtioFeatures.bit(VirtioFeatures.VERSION_1) | VirtioFeatures.bit(VirtioFeatures.RING_EVENT_IDX);
        MockDriverQueue driver = MockDriverQueue.at(memory, 256, 0x1000);
        SplitVirtqueue queue;
        try {
            queue = SplitVirtqueue.create(0, new QueueLayout(256, driver.descriptorTable(), driver.availableRing(),
                    driver.usedRing()), memory, features);
        } catch (dev.vmboot.virtio.InvalidQueueLayoutException e) {
            throw new IllegalStateException(e);
        }
        device.activate(new VirtioActivation(features, List.of(queue), new RecordingVirtioInterrupt(), memory));
        long header = 0x10_0000;
        long status = 0x10_1000;
        long data = 0x20_0000;
        List<Double> rates = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            long start = System.nanoTime();
            long inDevice = 0;
            for (long sector = 0; sector + SEGMENTS * 8L <= mib * 2048L; sector += SEGMENTS * 8L) {
                memory.writeInt(header, 0); // VIRTIO_BLK_T_IN
                memory.writeLong(header + 8, sector);
                List<Buffer> chain = new ArrayList<>(SEGMENTS + 2);
                chain.add(Buffer.readable(header, 16));
                for (int s = 0; s < SEGMENTS; s++) {
                    chain.add(Buffer.writable(data + (long) s * 2 * PAGE, PAGE)); // not contiguous, as guest pages
                }
                chain.add(Buffer.writable(status, 1));
                driver.addChain(chain);
                driver.publish();
                long t0 = System.nanoTime();
                try {
                    device.queueNotified(0);
                    inDevice += System.nanoTime() - t0;
                } catch (dev.vmboot.api.virtio.VirtqueueBrokenException e) {
                    throw new IllegalStateException(e);
                }
                driver.takeUsed();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            rates.add(mib / seconds);
            long requests = mib * 2048L / (SEGMENTS * 8L);
            System.out.printf("round %d: %.0f MB/s, %.1f us per request of %d KiB, %.1f us of it in the device%n", r,
                    mib * 1.048576 / seconds, seconds * 1e6 / requests, SEGMENTS * 4, inDevice / 1e3 / requests);
        }
        rates.sort(null);
        System.out.printf("median %.0f MiB/s%n", rates.get(rates.size() / 2));
        device.close();
    }
}
