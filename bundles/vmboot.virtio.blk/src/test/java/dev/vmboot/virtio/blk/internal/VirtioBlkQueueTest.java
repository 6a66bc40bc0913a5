package dev.vmboot.virtio.blk.internal;

import static dev.vmboot.virtio.blk.internal.BlkTestBed.EVENT_IDX;
import static dev.vmboot.virtio.blk.internal.BlkTestBed.FLUSH;
import static dev.vmboot.virtio.blk.internal.BlkTestBed.S_IOERR;
import static dev.vmboot.virtio.blk.internal.BlkTestBed.S_OK;
import static dev.vmboot.virtio.blk.internal.BlkTestBed.T_IN;
import static dev.vmboot.virtio.blk.internal.BlkTestBed.T_OUT;
import static dev.vmboot.virtio.blk.internal.BlkTestBed.T_WRITE_ZEROES;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.vmboot.api.memory.GuestMemoryException;
import dev.vmboot.api.virtio.DescriptorChain;
import dev.vmboot.api.virtio.InvalidChainException;
import dev.vmboot.api.virtio.VirtqueueBrokenException;
import dev.vmboot.testkit.MockDriverQueue;
import dev.vmboot.testkit.MockDriverQueue.Buffer;
import dev.vmboot.testkit.MockDriverQueue.UsedElement;

/**
 * The device's side of the queue protocol: interrupts raised and suppressed, the drain cap, write-through without
 * FLUSH, reset, an interrupted worker, a broken ring, chains the queue refuses, guest memory failing under a
 * checked chain.
 */
class VirtioBlkQueueTest {
    static final int QUEUE = 16;

    @TempDir
    Path dir;
    BlkTestBed bed;

    @BeforeEach
    void bed() throws IOException {
        Path image = Files.write(dir.resolve("disk.img"), new byte[64 << 10]);
        bed = new BlkTestBed(image, Map.of("readonly", "false"), QUEUE, FLUSH);
    }

    @AfterEach
    void close() {
        bed.close();
    }

    /** A one-sector read; returns its status buffer. */
    Buffer read() {
        Buffer status = bed.writable(1);
        bed.submit(bed.header(T_IN, 1), bed.writable(512), status);
        return status;
    }

    void assertStillServes() throws Exception {
        Buffer status = read();
        assertEquals(1, bed.serve().size());
        assertEquals(S_OK, bed.status(status));
    }

    @Test
    void oneInterruptPerNotificationThatUsedSomething() throws Exception {
        read();
        read();
        read();
        assertEquals(3, bed.serve().size());
        assertEquals(1, bed.interrupt.queueSignals(0));
        assertEquals(List.of(), bed.serve());
        assertEquals(1, bed.interrupt.queueSignals(0), "nothing used, no interrupt");
    }

    @Test
    void noInterruptWhenTheDriverAsksForNone() throws Exception {
        bed.driver.setAvailFlags(MockDriverQueue.AVAIL_F_NO_INTERRUPT);
        read();
        assertEquals(1, bed.serve().size());
        assertEquals(0, bed.interrupt.queueSignals(0));
        bed.driver.setAvailFlags(0);
        assertStillServes();
        assertEquals(1, bed.interrupt.queueSignals(0));
    }

    @Test
    void withEventIdxTheInterruptComesWhenUsedPassesUsedEvent() throws Exception {
        bed.activate(QUEUE, EVENT_IDX | FLUSH, UnaryOperator.identity());
        bed.driver.setUsedEvent(4); // interrupt once the fifth element (index 4) is used
        read();
        read();
        read();
        assertEquals(3, bed.serve().size());
        assertEquals(0, bed.interrupt.queueSignals(0));
        read();
        read();
        assertEquals(2, bed.serve().size());
        assertEquals(1, bed.interrupt.queueSignals(0));
    }

    /**
     * A driver that puts every used chain straight back cannot keep the worker: a queue size per call, and the call
     * says that chains are left, so the transport comes back for them without a notification.
     */
    @Test
    void aRefillingDriverGetsAQueueSizeOfChainsPerNotification() throws Exception {
        bed.activate(QUEUE, FLUSH, queue -> new ForwardingQueue(queue) {
            @Override
            public void addUsed(int head, long length) {
                super.addUsed(head, length);
                bed.driver.offer(head);
                bed.driver.publish();
            }
        });
        read();
        assertEquals(QUEUE, bed.serve().size());
        assertEquals(1, bed.counter("drain_cap_reached"));
        assertEquals(QUEUE, bed.serve().size());
        assertEquals(2, bed.counter("drain_cap_reached"));
        assertEquals(2, bed.interrupt.queueSignals(0));
        assertTrue(bed.device.queueNotified(0), "chains are left at the cap: call again");
    }

    @Test
    void aCallThatServedEverythingAsksForNoOther() throws Exception {
        read();
        read();
        assertFalse(bed.device.queueNotified(0));
        assertEquals(2, bed.driver.takeUsed().size());
    }

    /** 5.2.6.2: FLUSH offered but not negotiated makes every completed write stable. */
    @Test
    void withoutFlushNegotiatedEveryWriteIsMadeStable() throws Exception {
        bed.activate(QUEUE, 0, UnaryOperator.identity());
        Buffer a = bed.writable(1);
        Buffer b = bed.writable(1);
        bed.submit(bed.header(T_OUT, 0), bed.readable(new byte[512]), a);
        bed.submit(bed.header(T_WRITE_ZEROES, 0), bed.segment(4, 4, 0), b);
        assertEquals(2, bed.serve().size());
        assertEquals(S_OK, bed.status(a));
        assertEquals(S_OK, bed.status(b));
        assertEquals(2, bed.counter("sync_writes"));
        bed.activate(QUEUE, FLUSH, UnaryOperator.identity());
        bed.submit(bed.header(T_OUT, 0), bed.readable(new byte[512]), bed.writable(1));
        assertEquals(1, bed.serve().size());
        assertEquals(2, bed.counter("sync_writes"));
    }

    @Test
    void afterResetNotificationsTouchNothingUntilTheNextActivation() throws Exception {
        read();
        bed.device.reset();
        bed.device.queueNotified(0);
        assertEquals(0, bed.driver.usedIndex());
        assertEquals(0, bed.interrupt.queueSignals(0));
        bed.device.queueNotified(1); // no such queue: ignored
        bed.activate(QUEUE, FLUSH, UnaryOperator.identity());
        assertStillServes();
    }

    /** reset() returns only once the request in flight is done, even if the transport did not join the worker. */
    @Test
    void resetWaitsForTheRequestInFlight() throws Exception {
        CountDownLatch inPop = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        bed.activate(QUEUE, FLUSH, queue -> new ForwardingQueue(queue) {
            @Override
            public Optional<DescriptorChain> pop() throws InvalidChainException, VirtqueueBrokenException {
                inPop.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                return super.pop();
            }
        });
        Buffer status = read();
        CompletableFuture<Void> worker = CompletableFuture.runAsync(() -> {
            try {
                bed.device.queueNotified(0);
            } catch (VirtqueueBrokenException e) {
                throw new AssertionError(e);
            }
        });
        assertTrue(inPop.await(10, TimeUnit.SECONDS));
        CompletableFuture<Void> reset = CompletableFuture.runAsync(bed.device::reset);
        assertThrows(TimeoutException.class, () -> reset.get(200, TimeUnit.MILLISECONDS));
        release.countDown();
        reset.get(10, TimeUnit.SECONDS);
        assertEquals(1, bed.driver.usedIndex(), "the request was complete when reset returned");
        assertEquals(S_OK, bed.status(status));
        worker.get(10, TimeUnit.SECONDS);
    }

    @Test
    void anInterruptedWorkerStopsBeforeTheNextChainAndServesLater() throws Exception {
        read();
        Thread.currentThread().interrupt();
        try {
            assertEquals(List.of(), bed.serve());
        } finally {
            assertTrue(Thread.interrupted());
        }
        assertEquals(1, bed.serve().size());
        assertStillServes();
    }

    /** An available index more than a queue size ahead breaks the queue; a reset and a new activation recover. */
    @Test
    void aBrokenAvailableRingPropagatesAndResetRecovers() throws Exception {
        bed.driver.setAvailIndex(QUEUE + 1);
        assertThrows(VirtqueueBrokenException.class, () -> bed.device.queueNotified(0));
        bed.device.reset();
        bed.activate(QUEUE, FLUSH, UnaryOperator.identity());
        assertStillServes();
    }

    /** Guest memory failing under a checked chain: IOERR if the status byte can be written, else length 0. */
    @Test
    void guestMemoryFailingUnderAChainCostsThatRequestOnly() throws Exception {
        boolean[] statusFails = { false };
        bed.activate(QUEUE, FLUSH, queue -> new ForwardingQueue(queue) {
            @Override
            public Optional<DescriptorChain> pop() throws InvalidChainException, VirtqueueBrokenException {
                return super.pop().map(chain -> new ForwardingChain(chain) {
                    @Override
                    public ByteBuffer[] writableBuffers(long offset, long length) {
                        throw new GuestMemoryException(0x1234, length, "unplugged");
                    }

                    @Override
                    public void write(long offset, ByteBuffer src) {
                        if (statusFails[0]) {
                            throw new GuestMemoryException(0x1234, 1, "unplugged");
                        }
                        super.write(offset, src);
                    }
                });
            }
        });
        Buffer status = read();
        List<UsedElement> used = bed.serve();
        assertEquals(1, used.get(0).length());
        assertEquals(S_IOERR, bed.status(status));
        statusFails[0] = true;
        read();
        assertEquals(0, bed.serve().get(0).length());
        assertEquals(2, bed.counter("guest_memory_errors"));
        assertEquals(1, bed.counter("no_status"));
        bed.activate(QUEUE, FLUSH, UnaryOperator.identity());
        assertStillServes();
    }

    /** A readable status after writable data breaks 2.7.4.2: the queue refuses the chain, the head comes back. */
    @Test
    void aReadableStatusAfterWritableDataIsRefusedByTheQueue() throws Exception {
        int head = bed.submit(bed.header(T_IN, 0), bed.writable(512), bed.readable(new byte[1]));
        assertEquals(List.of(new UsedElement(head, 0)), bed.serve());
        assertEquals(1, bed.counter("invalid_chain_order"));
        assertStillServes();
    }

    @Test
    void aBufferOutsideRamIsRefusedByTheQueueAndCountedByKind() throws Exception {
        int head = bed.submit(bed.header(T_IN, 0), Buffer.writable(BlkTestBed.RAM - 256, 512));
        assertEquals(List.of(new UsedElement(head, 0)), bed.serve());
        assertEquals(1, bed.counter("invalid_chain_address"));
        assertStillServes();
    }

    @Test
    void countersNameEveryOutcomeAndEveryChainRule() {
        Map<String, Long> counters = bed.device.counters();
        for (String name : List.of("read_requests", "read_bytes", "read_segments", "write_requests", "write_bytes", "flush_requests",
                "get_id_requests", "discard_requests", "write_zeroes_requests", "ioerr", "unsupp", "no_status",
                "invalid_chain_index", "invalid_chain_loop", "invalid_chain_indirect", "invalid_chain_too_long",
                "invalid_chain_address", "invalid_chain_order", "refused_read_only", "drain_cap_reached")) {
            assertEquals(0L, counters.get(name), name);
        }
        assertFalse(counters.values().stream().anyMatch(v -> v != 0));
        assertArrayEquals(counters.keySet().toArray(), bed.device.counters().keySet().toArray(), "a stable order");
    }
}
