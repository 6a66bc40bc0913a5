package dev.vmboot.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.vmboot.testkit.RecordingVirtioInterrupt.Kind;
import dev.vmboot.testkit.RecordingVirtioInterrupt.Signal;

class RecordingVirtioInterruptTest {

    private final RecordingVirtioInterrupt interrupt = new RecordingVirtioInterrupt();

    @Test
    void recordsEachSignalInOrder() {
        interrupt.queue(1);
        interrupt.config();
        interrupt.queue(0);
        interrupt.needsReset();
        interrupt.queue(1);
        assertEquals(List.of(new Signal(Kind.QUEUE, 1), new Signal(Kind.CONFIG, -1), new Signal(Kind.QUEUE, 0),
                new Signal(Kind.NEEDS_RESET, -1), new Signal(Kind.QUEUE, 1)), interrupt.signals());
        assertEquals(2, interrupt.queueSignals(1));
        assertEquals(1, interrupt.queueSignals(0));
        assertEquals(0, interrupt.queueSignals(2));
        assertEquals(1, interrupt.configSignals());
        assertEquals(1, interrupt.needsResetSignals());
        interrupt.clear();
        assertEquals(List.of(), interrupt.signals());
    }

    @Test
    void countsSignalsFromManyThreads() throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int queue = t % 2;
            threads.add(new Thread(() -> {
                for (int i = 0; i < 1000; i++) {
                    interrupt.queue(queue);
                }
            }));
        }
        threads.forEach(Thread::start);
        assertTrue(interrupt.awaitQueueSignals(0, 2000, Duration.ofSeconds(30)));
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(2000, interrupt.queueSignals(0));
        assertEquals(2000, interrupt.queueSignals(1));
        assertEquals(4000, interrupt.signals().size());
    }

    @Test
    void awaitGivesUpAfterTheTimeout() throws InterruptedException {
        interrupt.queue(3);
        assertTrue(interrupt.awaitQueueSignals(3, 1, Duration.ZERO));
        long start = System.nanoTime();
        assertFalse(interrupt.awaitQueueSignals(3, 2, Duration.ofMillis(50)));
        assertTrue(System.nanoTime() - start >= 50_000_000L);
    }
}
