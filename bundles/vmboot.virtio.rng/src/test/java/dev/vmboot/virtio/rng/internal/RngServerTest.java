package dev.vmboot.virtio.rng.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.vmboot.api.virtio.InvalidChainException;
import dev.vmboot.testkit.MockDriverQueue;
import dev.vmboot.testkit.MockDriverQueue.Buffer;
import dev.vmboot.testkit.MockDriverQueue.RawDescriptor;
import dev.vmboot.testkit.MockDriverQueue.UsedElement;
import dev.vmboot.testkit.RecordingVirtioInterrupt;
import dev.vmboot.virtio.DeviceCounters;

/**
 * The entropy device's queue against a hostile driver (virtio 1.2, 5.4.6), and its rate bound measured in counted
 * bytes on a hand-moved clock, not in wall time.
 */
class RngServerTest {
    static final int QUEUE = 8;
    static final long SEED = 2026;

    final QueueBed bed = new QueueBed(QUEUE);
    final RecordingVirtioInterrupt interrupt = new RecordingVirtioInterrupt();
    final DeviceCounters<RngCounter> counters = new DeviceCounters<>(RngCounter.class);
    long now = 1_000_000_000L;

    RngServer server(long bytesPerSecond, long burst) {
        return new RngServer(bed.queue, interrupt, new TokenBucket(bytesPerSecond, burst, () -> now),
                new Random(SEED)::nextBytes, counters);
    }

    void assertStillServes(RngServer server) throws Exception {
        Buffer b = bed.writable(16);
        int head = bed.submit(b);
        assertEquals(RngServer.IDLE, server.serve());
        assertEquals(List.of(new UsedElement(head, 16)), bed.driver.takeUsed());
        byte[] expectedUnwritten = new byte[16];
        Arrays.fill(expectedUnwritten, QueueBed.UNWRITTEN);
        assertTrue(!Arrays.equals(expectedUnwritten, bed.bytes(b)), "the device wrote the buffer");
    }

    @Test
    void fillsTheWholeBufferWithTheGeneratorsBytesAcrossDescriptors() throws Exception {
        RngServer server = server(RngOptions.DEFAULT_RATE, RngOptions.DEFAULT_BURST);
        Buffer a = bed.writable(5000);
        Buffer b = bed.writable(100);
        int head = bed.submit(a, b);
        assertEquals(RngServer.IDLE, server.serve());
        assertEquals(List.of(new UsedElement(head, 5100)), bed.driver.takeUsed());
        // made in 4096-byte pieces, each a fresh nextBytes of the generator
        Random expected = new Random(SEED);
        byte[] first = new byte[4096];
        byte[] second = new byte[4096];
        expected.nextBytes(first);
        expected.nextBytes(second);
        byte[] all = new byte[5100];
        System.arraycopy(first, 0, all, 0, 4096);
        System.arraycopy(second, 0, all, 4096, 1004);
        assertArrayEquals(Arrays.copyOf(all, 5000), bed.bytes(a));
        assertArrayEquals(Arrays.copyOfRange(all, 5000, 5100), bed.bytes(b));
        assertEquals(1, interrupt.queueSignals(0));
        assertEquals(5100, counters.get(RngCounter.BYTES));
    }

    @Test
    void aDeviceReadableBufferFailsThatRequestAndTheNextIsServed() throws Exception {
        RngServer server = server(RngOptions.DEFAULT_RATE, RngOptions.DEFAULT_BURST);
        Buffer readable = bed.readable(32);
        int head = bed.submit(readable);
        int mixed = bed.submit(bed.readable(8), bed.writable(8));
        assertEquals(RngServer.IDLE, server.serve());
        assertEquals(List.of(new UsedElement(head, 0), new UsedElement(mixed, 0)), bed.driver.takeUsed());
        byte[] untouched = new byte[32];
        Arrays.fill(untouched, QueueBed.UNWRITTEN);
        assertArrayEquals(untouched, bed.bytes(readable));
        assertEquals(2, counters.get(RngCounter.REFUSED_READABLE));
        assertEquals(0, counters.get(RngCounter.BYTES));
        assertStillServes(server);
    }

    @Test
    void aZeroLengthBufferIsRefusedAndTheNextIsServed() throws Exception {
        RngServer server = server(RngOptions.DEFAULT_RATE, RngOptions.DEFAULT_BURST);
        int head = bed.submit(bed.writable(0));
        assertEquals(RngServer.IDLE, server.serve());
        assertEquals(List.of(new UsedElement(head, 0)), bed.driver.takeUsed());
        assertEquals(1, counters.get(RngCounter.REFUSED_EMPTY));
        assertStillServes(server);
    }

    @Test
    void aChainLongerThanTheQueueIsRefusedAndTheNextIsServed() throws Exception {
        RngServer server = server(RngOptions.DEFAULT_RATE, RngOptions.DEFAULT_BURST);
        Buffer b = bed.writable(8);
        // descriptor 0 chains to 1, 1 back to 0: no end within the queue size (virtio 1.2, 2.7.5.2)
        bed.driver.writeDescriptor(0, new RawDescriptor(b.address(), 8, MockDriverQueue.F_WRITE
                | MockDriverQueue.F_NEXT, 1));
        bed.driver.writeDescriptor(1, new RawDescriptor(b.address(), 8, MockDriverQueue.F_WRITE
                | MockDriverQueue.F_NEXT, 0));
        bed.driver.offer(0);
        bed.driver.publish();
        bed.driver.allocateDescriptor();
        bed.driver.allocateDescriptor();
        assertEquals(RngServer.IDLE, server.serve());
        assertEquals(List.of(new UsedElement(0, 0)), bed.driver.takeUsed());
        assertEquals(1, counters.invalidChains(InvalidChainException.Kind.LOOP));
        assertStillServes(server);
    }

    @Test
    void aSourceThatFailsAnswersThatRequestWithNoBytesAndTheNextIsServed() throws Exception {
        Random random = new Random(SEED);
        boolean[] failed = { false };
        EntropySource failingOnce = bytes -> {
            if (!failed[0]) {
                failed[0] = true;
                throw new IOException("read error");
            }
            random.nextBytes(bytes);
        };
        RngServer server = new RngServer(bed.queue, interrupt,
                new TokenBucket(RngOptions.DEFAULT_RATE, RngOptions.DEFAULT_BURST, () -> now), failingOnce, counters);
        int head = bed.submit(bed.writable(64));
        assertEquals(RngServer.IDLE, server.serve());
        assertEquals(List.of(new UsedElement(head, 0)), bed.driver.takeUsed());
        assertEquals(1, counters.get(RngCounter.SOURCE_ERRORS));
        assertEquals(0, counters.get(RngCounter.REQUESTS));
        assertStillServes(server);
        assertEquals(1, counters.get(RngCounter.REQUESTS));
    }

    @Test
    void aRequestGetsAtMost64KiB() throws Exception {
        RngServer server = server(RngOptions.MAX_BYTES, RngOptions.MAX_BYTES);
        int head = bed.submit(bed.writable(100_000));
        assertEquals(RngServer.IDLE, server.serve());
        assertEquals(List.of(new UsedElement(head, RngServer.MAX_REQUEST_BYTES)), bed.driver.takeUsed());
    }

    @Test
    void aGuestAskingFasterThanTheRateIsServedLaterAndNeverMoreThanTheBound() throws Exception {
        long rate = 1000;
        long burst = 100;
        RngServer server = server(rate, burst);
        long start = now;
        int requests = 0;
        long waitedNanos = 0;
        // the driver keeps one 64-byte request outstanding and asks again the moment it is used, for 10 s
        bed.submit(bed.writable(64));
        while (now - start < 10_000_000_000L) {
            long next = server.serve();
            List<UsedElement> used = bed.driver.takeUsed();
            for (UsedElement u : used) {
                assertEquals(64, u.length());
                requests++;
                bed.driver.addChain(Buffer.writable(QueueBed.BUFFERS, 64));
                bed.driver.publish();
            }
            if (next > 0) {
                now += next; // the device's thread sleeps this long; nothing spins meanwhile
                waitedNanos += next;
            } else {
                assertEquals(RngServer.IDLE, next, "served what was there; the driver asks again now");
                assertEquals(1, used.size());
            }
        }
        long bytes = counters.get(RngCounter.BYTES);
        long bound = burst + rate * (now - start) / 1_000_000_000L;
        assertTrue(bytes <= bound, bytes + " bytes in 10 s at 1000 bytes/s with a burst of 100");
        assertTrue(bytes >= bound - 2 * 64, bytes + " bytes: the bound is used, not wasted");
        assertEquals(requests * 64L, bytes);
        assertTrue(counters.get(RngCounter.DEFERRED) >= requests - 2, counters.toMap().toString());
        assertTrue(waitedNanos >= 9_000_000_000L, "the device waited out the bucket: " + waitedNanos);
    }

    @Test
    void moreThanAQueueSizeOfRequestsIsServedInPassesOfAQueueSize() throws Exception {
        RngServer server = server(RngOptions.DEFAULT_RATE, RngOptions.DEFAULT_BURST);
        for (int i = 0; i < QUEUE; i++) {
            bed.submit(bed.writable(4));
        }
        assertEquals(0, server.serve());
        assertEquals(QUEUE, bed.driver.takeUsed().size());
        assertEquals(1, counters.get(RngCounter.DRAIN_CAP_REACHED));
        assertEquals(RngServer.IDLE, server.serve());
        assertStillServes(server);
    }
}
