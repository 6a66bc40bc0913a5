package dev.vmboot.virtio.rng.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.vmboot.api.virtio.VirtqueueBrokenException;
import dev.vmboot.testkit.HostileDriverMoves;
import dev.vmboot.testkit.MockDriverQueue.Buffer;
import dev.vmboot.testkit.MockDriverQueue.UsedElement;
import dev.vmboot.testkit.RecordingVirtioInterrupt;
import dev.vmboot.virtio.DeviceCounters;

/**
 * The entropy device's queue under a driver that offers chains of any shape (device-readable pieces, empty ones,
 * several writable pieces, rarely a wild descriptor, a head outside the table or a jump of the available index) at any
 * pace, on a clock the input moves. Whatever the driver did, only {@link VirtqueueBrokenException} comes out, and
 * {@link RngServer#serve} ends each call within a queue size of chains. The rate bound holds against every driver:
 * the bytes given by time t are at most the burst plus the rate times t. With a driver that kept the rules, every used
 * element is a chain it offered, used once, with at most {@link RngServer#MAX_REQUEST_BYTES} and no more than its
 * writable room, nothing but those bytes of its writable buffers was written, and the bytes counter is their sum.
 * A normal test run replays the inputs under {@code RngServerFuzzTestInputs/requests}; {@code JAZZER_FUZZ=1} fuzzes.
 */
class RngServerFuzzTest {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    @FuzzTest(maxDuration = "60s")
    void requests(FuzzedDataProvider data) throws Exception {
        int size = 1 << data.consumeInt(0, 4);
        long rate = data.consumeLong(1, 1L << 22);
        long burst = data.consumeLong(1, 1L << 17);
        long[] now = { 1_000_000_000L };
        long start = now[0];
        QueueBed bed = new QueueBed(size);
        DeviceCounters<RngCounter> counters = new DeviceCounters<>(RngCounter.class);
        RngServer server = new RngServer(bed.queue, new RecordingVirtioInterrupt(),
                new TokenBucket(rate, burst, () -> now[0]), new Random(7)::nextBytes, counters);
        Map<Integer, List<Buffer>> inFlight = new HashMap<>(); // head -> buffers, offered and not used yet
        List<Buffer> offeredBuffers = new ArrayList<>();
        Map<Long, Long> writtenUpTo = new HashMap<>(); // buffer address -> bytes the device may have written there
        boolean rules = true;
        long given = 0;
        try {
            for (int round = data.consumeInt(1, 8); round > 0 && data.remainingBytes() > 0; round--) {
                // New chains only once the last ones came back: the mock driver's descriptor cursor runs round the
                // table and would otherwise reuse a descriptor of a chain still held for the rate bound.
                int free = inFlight.isEmpty() ? size : 0;
                while (free > 0 && data.consumeBoolean()) {
                    List<Buffer> chain = new ArrayList<>();
                    boolean writing = false; // device-writable pieces follow the device-readable ones (2.7.4.2)
                    for (int i = data.consumeInt(1, 3); i > 0 && chain.size() < free; i--) {
                        int length = data.consumeBoolean() ? data.consumeInt(0, 300) : data.consumeInt(0, 80_000);
                        writing |= data.consumeInt(0, 7) != 0;
                        if (!bed.hasRoom(length)) {
                            break;
                        }
                        chain.add(writing ? bed.writable(length) : bed.readable(length));
                    }
                    if (chain.isEmpty()) {
                        break;
                    }
                    inFlight.put(bed.driver.addChain(chain), chain);
                    offeredBuffers.addAll(chain);
                    free -= chain.size();
                    if (HostileDriverMoves.afterChain(data, bed.driver)) {
                        rules = false;
                    }
                }
                bed.driver.publish();
                if (HostileDriverMoves.afterPublish(data, bed.driver)) {
                    rules = false;
                }
                for (int call = data.consumeInt(1, 3); call > 0; call--) {
                    server.serve();
                    now[0] += data.consumeLong(0, NANOS_PER_SECOND);
                }
                if (rules) {
                    for (UsedElement e : bed.driver.takeUsed()) {
                        given += used(e, inFlight.remove(e.id()), writtenUpTo);
                    }
                }
                long bytes = counters.toMap().getOrDefault("bytes", 0L);
                long bound = burst + (long) ((double) rate * (now[0] - start) / NANOS_PER_SECOND) + 1;
                if (bytes > bound) {
                    throw new AssertionError(bytes + " random bytes given by " + (now[0] - start) + " ns, at "
                            + rate + " bytes/s with a burst of " + burst);
                }
            }
        } catch (VirtqueueBrokenException e) {
            return;
        }
        if (rules) {
            untouchedBeyondUse(bed, offeredBuffers, writtenUpTo);
            long bytes = counters.toMap().getOrDefault("bytes", 0L);
            if (given != bytes) {
                throw new AssertionError("the used ring gave " + given + " bytes, the bytes counter says " + bytes);
            }
        }
    }

    /** Checks one used element against the chain it names (null: not offered, or used already); its length. */
    private static long used(UsedElement e, List<Buffer> chain, Map<Long, Long> writtenUpTo) {
        if (chain == null) {
            throw new AssertionError("used element " + e + " is no chain in flight (not offered, or used twice)");
        }
        long room = chain.stream().filter(Buffer::writable).mapToLong(Buffer::length).sum();
        if (e.length() > Math.min(room, RngServer.MAX_REQUEST_BYTES)) {
            throw new AssertionError("used element " + e + " says more than its chain takes: " + chain);
        }
        long left = e.length();
        for (Buffer b : chain) {
            if (b.writable()) {
                long n = Math.min(left, b.length());
                writtenUpTo.put(b.address(), n);
                left -= n;
            }
        }
        return e.length();
    }

    /** No byte of an offered buffer was written beyond what its chain's used element said. */
    private static void untouchedBeyondUse(QueueBed bed, List<Buffer> offered, Map<Long, Long> writtenUpTo) {
        for (Buffer b : offered) {
            byte[] content = bed.bytes(b);
            for (long i = writtenUpTo.getOrDefault(b.address(), 0L); i < content.length; i++) {
                if (content[(int) i] != QueueBed.UNWRITTEN) {
                    throw new AssertionError("byte " + i + " of " + b + " was written, beyond what was used");
                }
            }
        }
    }
}
