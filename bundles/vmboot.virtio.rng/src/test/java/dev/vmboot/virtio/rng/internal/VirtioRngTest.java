package dev.vmboot.virtio.rng.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.vmboot.api.virtio.VirtioActivation;
import dev.vmboot.api.virtio.VirtioFeatures;
import dev.vmboot.testkit.MockDriverQueue.UsedElement;
import dev.vmboot.testkit.RecordingVirtioInterrupt;

/** The device as the transport drives it: identification, a request served on its own thread, reset joining it. */
class VirtioRngTest {

    @Test
    void identifiesAsAnEntropyDeviceWithOneQueueAndNoFeaturesOrConfiguration() throws Exception {
        try (VirtioRng rng = (VirtioRng) new RngFactory().create(Map.of())) {
            assertEquals(4, rng.deviceType());
            assertEquals(1, rng.queueMaxSizes().length);
            assertEquals(0, rng.deviceFeatures());
            assertEquals(0, rng.configSpace().length);
        }
    }

    @Test
    void closingTheDeviceClosesItsSource() throws Exception {
        boolean[] closed = { false };
        EntropySource source = new EntropySource() {
            @Override
            public void fill(byte[] bytes) {
                throw new AssertionError("no request was made");
            }

            @Override
            public void close() {
                closed[0] = true;
            }
        };
        VirtioRng rng = new VirtioRng(RngOptions.parse(Map.of()), source, System::nanoTime, "vmboot-virtio-rng-test");
        assertFalse(closed[0]);
        rng.close();
        assertTrue(closed[0]);
    }

    @Test
    void servesOnItsOwnThreadAndResetEndsIt() throws Exception {
        QueueBed bed = new QueueBed(8);
        RecordingVirtioInterrupt interrupt = new RecordingVirtioInterrupt();
        try (VirtioRng rng = (VirtioRng) new RngFactory().create(Map.of())) {
            rng.activate(new VirtioActivation(VirtioFeatures.bit(VirtioFeatures.VERSION_1), List.of(bed.queue),
                    interrupt, bed.memory));
            int head = bed.submit(bed.writable(4096));
            assertFalse(rng.queueNotified(0), "the device's thread serves; the worker goes back to waiting");
            assertTrue(interrupt.awaitQueueSignals(0, 1, Duration.ofSeconds(30)));
            assertEquals(List.of(new UsedElement(head, 4096)), bed.driver.takeUsed());
            assertTrue(Thread.getAllStackTraces().keySet().stream()
                    .anyMatch(t -> t.getName().equals("vmboot-virtio-rng")));
            rng.reset();
            assertFalse(Thread.getAllStackTraces().keySet().stream()
                    .anyMatch(t -> t.getName().equals("vmboot-virtio-rng")), "reset joined the serving thread");
            assertEquals(4096, rng.counters().get("bytes"));
        }
    }
}
