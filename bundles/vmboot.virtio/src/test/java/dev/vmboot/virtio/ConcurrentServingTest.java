package dev.vmboot.virtio;

import static dev.vmboot.virtio.TestRings.BUFFERS;
import static dev.vmboot.virtio.TestRings.EVENT_IDX;
import static dev.vmboot.virtio.TestRings.VERSION_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.vmboot.api.virtio.DescriptorChain;
import dev.vmboot.memory.RegionGuestMemory;
import dev.vmboot.testkit.MockDriverQueue;
import dev.vmboot.testkit.MockDriverQueue.Buffer;
import dev.vmboot.testkit.MockDriverQueue.UsedElement;
import dev.vmboot.testkit.RecordingVirtioInterrupt;

/**
 * The queue between two threads, as in a running machine: a worker serving the queue in the loop a device uses
 * (wait for the doorbell; disable notifications, drain at most a queue size, enable and re-check; interrupt if
 * {@code needsNotification}) and the test thread as the driver, notifying only when the device asks for it
 * (2.7.10) and waiting for an interrupt only when it asked for one (2.7.7). A lost interrupt, or a lost doorbell when
 * the two threads happen to race for it, leaves one side waiting and fails the test on a timeout (the exact
 * interleavings are pinned down one by one in {@link NotificationTest}); every chain must come back once, with the
 * bytes the worker copied from its readable into its writable buffer. It is also the loop to copy into a device.
 */
class ConcurrentServingTest {

    private static final int SIZE = 16;
    private static final int CHAINS = 5000;
    private static final int MAX_IN_FLIGHT = SIZE / 2; // two descriptors a chain
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    @ParameterizedTest
    @ValueSource(booleans = { false, true })
    @Timeout(120)
    void aWorkerServesEveryChainAndNoNotificationIsLost(boolean eventIdx) throws Exception {
        RegionGuestMemory memory = TestRings.memory();
        MockDriverQueue driver = MockDriverQueue.at(memory, SIZE, TestRings.QUEUE_BASE);
        SplitVirtqueue queue = SplitVirtqueue.create(0, TestRings.layoutOf(driver), memory,
                VERSION_1 | (eventIdx ? EVENT_IDX : 0));
        RecordingVirtioInterrupt interrupt = new RecordingVirtioInterrupt();
        Semaphore doorbell = new Semaphore(0);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread worker = new Thread(() -> serve(queue, doorbell, interrupt, failure), "vmboot-test-virtio-q0");
        worker.start();

        Random random = new Random(2024);
        Map<Integer, Integer> inFlight = new HashMap<>(); // head -> chain number
        int offered = 0;
        int returned = 0;
        int doorbells = 0;
        while (returned < CHAINS) {
            int batch = Math.min(CHAINS - offered, Math.min(1 + random.nextInt(4), MAX_IN_FLIGHT - inFlight.size()));
            for (int i = 0; i < batch; i++, offered++) {
                int slot = offered % (2 * MAX_IN_FLIGHT);
                memory.writeLong(BUFFERS + 16L * slot, 0x5EED_0000_0000_0000L | offered);
                int head = driver.addChain(Buffer.readable(BUFFERS + 16L * slot, 8),
                        Buffer.writable(BUFFERS + 0x1000 + 16L * slot, 8));
                inFlight.put(head, offered);
            }
            if (batch > 0 && driver.publishAndCheckNotification(eventIdx)) {
                doorbells++;
                doorbell.release();
            }
            if (inFlight.size() == MAX_IN_FLIGHT || offered == CHAINS) {
                returned += awaitUsed(driver, interrupt, returned, inFlight, memory, failure);
            }
        }
        doorbell.release(Integer.MAX_VALUE / 2); // and the worker's next wait ends it
        worker.interrupt();
        worker.join(PATIENCE.toMillis());
        assertFalse(worker.isAlive());
        assertNull(failure.get());
        assertEquals(CHAINS & 0xFFFF, queue.nextUsedIndex());
        assertTrue(doorbells > 0);
    }

    /**
     * The driver waits for used buffers: asks for an interrupt at the next element it has not read, re-checks the
     * used index, and only then waits for the interrupt; checks what came back.
     *
     * @param returned how many used elements the driver has read so far
     */
    private static int awaitUsed(MockDriverQueue driver, RecordingVirtioInterrupt interrupt, int returned,
            Map<Integer, Integer> inFlight, RegionGuestMemory memory, AtomicReference<Throwable> failure)
            throws InterruptedException {
        int signals = interrupt.queueSignals(0);
        int next = returned & 0xFFFF;
        driver.setUsedEvent(next); // interrupt me when the element at this index is written (2.7.7)
        VarHandle.fullFence();
        if (driver.usedIndex() == next) {
            assertTrue(interrupt.awaitQueueSignals(0, signals + 1, PATIENCE),
                    () -> "no interrupt for used buffers; worker failure: " + failure.get());
        }
        int count = 0;
        for (UsedElement e : driver.takeUsed()) {
            Integer chain = inFlight.remove(e.id());
            assertTrue(chain != null, "head " + e.id() + " returned but not in flight");
            assertEquals(8, e.length());
            int slot = chain % (2 * MAX_IN_FLIGHT);
            assertEquals(0x5EED_0000_0000_0000L | chain, memory.readLong(BUFFERS + 0x1000 + 16L * slot));
            count++;
        }
        return count;
    }

    /** A device's queue worker. */
    private static void serve(SplitVirtqueue queue, Semaphore doorbell, RecordingVirtioInterrupt interrupt,
            AtomicReference<Throwable> failure) {
        try {
            while (doorbell.tryAcquire(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)) {
                do {
                    queue.disableNotification();
                    for (int served = 0; served < queue.size(); served++) {
                        Optional<DescriptorChain> next = queue.pop();
                        if (next.isEmpty()) {
                            break;
                        }
                        DescriptorChain chain = next.get();
                        ByteBuffer data = ByteBuffer.allocate(8);
                        chain.read(0, data);
                        chain.write(0, data.flip());
                        queue.addUsed(chain.headIndex(), 8);
                    }
                } while (queue.enableNotification());
                if (queue.needsNotification()) {
                    interrupt.queue(queue.index());
                }
            }
        } catch (InterruptedException e) {
            // the test ends
        } catch (Throwable t) {
            failure.set(t);
        }
    }
}
