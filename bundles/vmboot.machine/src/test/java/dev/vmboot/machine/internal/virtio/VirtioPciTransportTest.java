package dev.vmboot.machine.internal.virtio;

import static dev.vmboot.machine.internal.virtio.VirtioPciTransport.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.vmboot.api.device.GuestLogLimiter;
import dev.vmboot.api.virtio.VirtioFeatures;
import dev.vmboot.testkit.LogLineCapture;

/** The common configuration, the status machine, activation and reset, and interrupt routing (virtio 1.2, 4.1). */
class VirtioPciTransportTest {

    private static final long VERSION_1 = VirtioFeatures.bit(VirtioFeatures.VERSION_1);

    @Test
    void offeredFeaturesAreTheDevicesPlusTheTransportsAndReadThroughTheSelector() {
        TransportHarness h = new TransportHarness();
        assertEquals(FakeVirtioDevice.DEVICE_FEATURES | TRANSPORT_FEATURES, h.deviceFeatures());
        h.write(DEVICE_FEATURE_SELECT, 4, 2);
        assertEquals(0, h.read(DEVICE_FEATURE, 4), "4.1.4.3: selectors past the feature bits read 0");
        assertEquals(2, h.read(NUM_QUEUES, 2));
    }

    @Test
    void featuresOkIsAcceptedForASubsetWithVersion1() {
        TransportHarness h = new TransportHarness();
        int status = h.negotiate(VERSION_1 | 1L << 5);
        assertEquals(STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK, status);
    }

    @Test
    void featuresOkIsRefusedForABitThatWasNotOffered() {
        TransportHarness h = new TransportHarness();
        int status = h.negotiate(VERSION_1 | 1L << 6);
        assertEquals(0, status & STATUS_FEATURES_OK, "2.2.2: the device refuses FEATURES_OK; the driver re-reads it");
        assertEquals(1, h.transport.refusals().values().stream().mapToLong(Long::longValue).sum());
    }

    @Test
    void featuresOkIsRefusedToALegacyDriver() {
        TransportHarness h = new TransportHarness();
        assertEquals(0, h.negotiate(1L << 5) & STATUS_FEATURES_OK);
    }

    @Test
    void driverFeaturesCannotChangeAfterFeaturesOk() {
        TransportHarness h = new TransportHarness();
        h.negotiate(VERSION_1);
        h.write(DRIVER_FEATURE_SELECT, 4, 0);
        h.write(DRIVER_FEATURE, 4, 1L << 5);
        assertEquals(0, h.read(DRIVER_FEATURE, 4));
    }

    @Test
    void queueRegistersRoundTripAndOutOfRangeSelectsReadZero() {
        TransportHarness h = new TransportHarness();
        h.write(QUEUE_SELECT, 2, 1);
        assertEquals(64, h.read(QUEUE_SIZE, 2), "queue_size reads the maximum until the driver writes it");
        assertEquals(1, h.read(QUEUE_NOTIFY_OFF, 2));
        h.write(QUEUE_DESC, 8, 0x1_2345_6780L);
        assertEquals(0x1_2345_6780L, h.read(QUEUE_DESC, 8));
        h.write(QUEUE_DRIVER + 4, 4, 0x9);
        h.write(QUEUE_DRIVER, 4, 0x8000);
        assertEquals(0x9_0000_8000L, h.read(QUEUE_DRIVER, 8));
        h.write(QUEUE_SELECT, 2, 7);
        assertEquals(0, h.read(QUEUE_SIZE, 2));
        h.write(QUEUE_SIZE, 2, 16);
        h.write(QUEUE_DESC, 8, 0x1000);
        assertEquals(0, h.read(QUEUE_DESC, 8));
        assertEquals(NO_VECTOR, h.read(QUEUE_MSIX_VECTOR, 2));
    }

    @Test
    void partialWritesOfARegisterAreIgnoredAndCounted() {
        TransportHarness h = new TransportHarness();
        h.write(QUEUE_SELECT, 1, 1);
        h.write(DEVICE_FEATURE_SELECT + 1, 2, 0xFFFF);
        assertEquals(0, h.read(QUEUE_SELECT, 2));
        assertEquals(0, h.read(DEVICE_FEATURE_SELECT, 4));
        assertEquals(2L, h.transport.refusals().get("partial register write"));
    }

    @Test
    void aQueueWhoseLayoutTheQueueRefusesStaysDisabled() {
        TransportHarness h = new TransportHarness();
        h.negotiate(VERSION_1);
        h.setUpQueue(0, 128, 0x1008, 0x4000, 0x5000);
        assertEquals(0, h.read(QUEUE_ENABLE, 2));
        h.setUpQueue(0, 128, 0x1000, 0x4000, 0x5000);
        assertEquals(1, h.read(QUEUE_ENABLE, 2));
        h.write(QUEUE_SIZE, 2, 32);
        assertEquals(128, h.read(QUEUE_SIZE, 2), "an enabled queue's registers no longer change");
    }

    @Test
    void driverOkActivatesTheDeviceWithItsQueuesAndTheWorkerServesNotOnTheCallersThread() throws Exception {
        TransportHarness h = new TransportHarness();
        h.negotiate(VERSION_1 | 1L << 9);
        h.setUpQueue(0, 128, 0x1000, 0x4000, 0x5000);
        h.driverOk();

        assertEquals(STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK | STATUS_DRIVER_OK, h.status());
        assertNotNull(h.device.activation);
        assertEquals(VERSION_1 | 1L << 9, h.device.activation.features());
        assertEquals(128, h.device.activation.queue(0).size());
        assertNull(h.device.activation.queue(1), "queue 1 was not enabled");
        assertEquals(List.of(new QueueRegisters(128, 0x1000, 0x4000, 0x5000)), h.createdQueues.subList(1, 2));

        assertTrue(h.device.notifications.tryAcquire(10, TimeUnit.SECONDS), "the worker looks at the queue at once");
        h.write(VirtioPciFunction.NOTIFY_OFFSET, 2, 0);
        assertTrue(h.device.notifications.tryAcquire(10, TimeUnit.SECONDS), "a notify write reaches the worker");
        assertTrue(h.device.calls().contains("notified 0 on vmboot-test-virtio-blk0-q0"), h.device.calls().toString());
        h.transport.reset();
    }

    @Test
    void aDeviceThatStoppedAtItsBoundIsCalledAgainWithoutANotification() throws Exception {
        TransportHarness h = new TransportHarness();
        h.device.askAgain = 3;
        h.negotiate(VERSION_1);
        h.setUpQueue(0, 128, 0x1000, 0x4000, 0x5000);
        h.driverOk();
        assertTrue(h.device.notifications.tryAcquire(4, 10, TimeUnit.SECONDS), "the first call and three more");
        assertFalse(h.device.notifications.tryAcquire(200, TimeUnit.MILLISECONDS), "then it waits for the driver");
        h.transport.reset();
    }

    /**
     * virtio 1.2, 2.1.2: a driver must not clear a status bit, but one may. DRIVER_OK cleared and set again without a
     * reset activated the device again with a second set of queue workers; the first set was never stopped (a thread
     * per queue leaked per round, without bound), and as both sets waited on the same doorbells, the reset's wake-up
     * could reach an old worker, leaving the new one to time out and the device wedged (found by VirtioPciFuzzTest).
     * Only a reset clears status bits now, so the device is activated once per reset.
     */
    @Test
    void driverOkClearedAndSetAgainDoesNotActivateTheDeviceAgain() throws Exception {
        TransportHarness h = new TransportHarness();
        h.negotiate(VERSION_1);
        h.setUpQueue(0, 128, 0x1000, 0x4000, 0x5000);
        h.setUpQueue(1, 64, 0x8000, 0x9000, 0xA000);
        h.driverOk();
        for (int round = 0; round < 3; round++) {
            h.write(DEVICE_STATUS, 1, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK);
            h.driverOk();
        }
        assertEquals(1, h.device.calls().stream().filter("activate"::equals).count(), h.device.calls().toString());
        assertEquals(2, VirtioPciFuzzTest.workers(), "one worker per queue");
        assertNotifyIsServed(h, 2);
        assertTrue(h.transport.reset(), "the reset stops every worker");
        assertEquals(0, VirtioPciFuzzTest.workers());
        assertEquals(0, h.status());
    }

    /**
     * virtio 1.2, 2.1.2: the driver must not clear a status bit. With FEATURES_OK cleared while the device ran, the
     * status read DRIVER_OK without FEATURES_OK and the driver features could be rewritten under the active device
     * (found by VirtioPciFuzzTest). A write that clears a bit is refused; only a reset (0) clears the status.
     */
    @Test
    void aStatusWriteThatClearsABitIsRefused() throws Exception {
        TransportHarness h = new TransportHarness();
        h.negotiate(VERSION_1 | 1L << 5);
        h.setUpQueue(0, 128, 0x1000, 0x4000, 0x5000);
        h.driverOk();
        int running = STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK | STATUS_DRIVER_OK;
        h.write(DEVICE_STATUS, 1, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_DRIVER_OK);
        assertEquals(running, h.status());
        h.write(DRIVER_FEATURE_SELECT, 4, 0);
        h.write(DRIVER_FEATURE, 4, 0);
        assertEquals(1L << 5, h.read(DRIVER_FEATURE, 4), "the features stay as negotiated");
        assertNotifyIsServed(h, 1);
        h.write(DEVICE_STATUS, 1, STATUS_FAILED);
        assertEquals(running, h.status());
        h.write(DEVICE_STATUS, 1, running | STATUS_FAILED);
        assertEquals(running | STATUS_FAILED, h.status(), "setting a bit is fine");
        assertTrue(h.transport.refusals().keySet().stream().anyMatch(k -> k.contains("clears")),
                h.transport.refusals().toString());
        assertTrue(h.transport.reset());
        assertEquals(0, h.status());
    }

    /**
     * The next good request after refused ones is served: once the workers of QUEUES queues have looked at their
     * queues, a notify of queue 0 reaches its worker, which asks the device to look again.
     */
    private static void assertNotifyIsServed(TransportHarness h, int queues) throws InterruptedException {
        assertTrue(h.device.notifications.tryAcquire(queues, 10, TimeUnit.SECONDS), "the workers look at once");
        long before = h.device.calls().stream().filter(c -> c.startsWith("notified 0 ")).count();
        h.write(VirtioPciFunction.NOTIFY_OFFSET, 2, 0);
        assertTrue(h.device.notifications.tryAcquire(10, TimeUnit.SECONDS), "a notify write reaches the worker");
        assertEquals(before + 1, h.device.calls().stream().filter(c -> c.startsWith("notified 0 ")).count(),
                h.device.calls().toString());
    }

    @Test
    void driverOkWithoutFeaturesOkSetsNeedsReset() {
        TransportHarness h = new TransportHarness();
        h.write(DEVICE_STATUS, 1, STATUS_ACKNOWLEDGE | STATUS_DRIVER);
        h.write(DEVICE_STATUS, 1, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_DRIVER_OK);
        assertEquals(STATUS_DEVICE_NEEDS_RESET, h.status() & STATUS_DEVICE_NEEDS_RESET);
        assertNull(h.device.activation);
    }

    @Test
    void resetWaitsForTheRequestInProgressBeforeTheDeviceIsReset() throws Exception {
        TransportHarness h = new TransportHarness();
        Semaphore gate = new Semaphore(0);
        h.device.gate = gate;
        h.negotiate(VERSION_1);
        h.setUpQueue(0, 128, 0x1000, 0x4000, 0x5000);
        h.driverOk();
        assertTrue(h.device.firstNotification.await(10, TimeUnit.SECONDS));

        Thread releaser = new Thread(() -> {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            }
            gate.release();
        });
        releaser.start();
        h.write(DEVICE_STATUS, 1, 0); // blocks until the worker has left the device
        releaser.join();

        assertFalse(h.device.resetWhileWorkerInside, "4.1.4.3.2: no device work after reset");
        List<String> calls = h.device.calls();
        assertEquals("reset", calls.get(calls.size() - 1));
        assertEquals(0, h.status());
        h.write(QUEUE_SELECT, 2, 0);
        assertEquals(0, h.read(QUEUE_ENABLE, 2));
        assertEquals(256, h.read(QUEUE_SIZE, 2));
    }

    @Test
    void aBrokenQueueSetsNeedsResetAndRaisesAConfigurationInterrupt() throws Exception {
        TransportHarness h = new TransportHarness();
        h.device.breakQueue = true;
        h.negotiate(VERSION_1);
        h.setUpQueue(0, 128, 0x1000, 0x4000, 0x5000);
        h.driverOk();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((h.status() & STATUS_DEVICE_NEEDS_RESET) == 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(STATUS_DEVICE_NEEDS_RESET, h.status() & STATUS_DEVICE_NEEDS_RESET);
        assertEquals(ISR_CONFIG, h.read(VirtioPciFunction.ISR_OFFSET, 1), "2.1.2: the driver is told");
        assertEquals(1, h.read(CONFIG_GENERATION, 1));

        h.write(DEVICE_STATUS, 1, 0);
        assertEquals(0, h.status(), "a reset clears DEVICE_NEEDS_RESET");
    }

    @Test
    void withoutMsixAQueueInterruptSetsTheIsrAndAssertsIntxUntilTheIsrIsRead() {
        TransportHarness h = new TransportHarness();
        h.transport.signalQueue(0);
        assertEquals(List.of(true), h.intx);
        assertEquals(ISR_QUEUE, h.read(VirtioPciFunction.ISR_OFFSET, 1));
        assertEquals(List.of(true, false), h.intx);
        assertEquals(0, h.read(VirtioPciFunction.ISR_OFFSET, 1), "reading the ISR clears it");
        assertEquals(List.of(), h.msis);
    }

    @Test
    void theCommandRegistersInterruptDisableHoldsIntxLow() {
        TransportHarness h = new TransportHarness();
        h.function.writeConfig(dev.vmboot.platform.PciFunction.COMMAND, 2, 0x0400);
        h.transport.signalQueue(0);
        assertEquals(List.of(), h.intx);
        assertEquals(0, h.function.readConfig(dev.vmboot.platform.PciFunction.STATUS, 2) & 0x08);
        h.function.writeConfig(dev.vmboot.platform.PciFunction.COMMAND, 2, 0);
        assertEquals(List.of(true), h.intx);
        assertEquals(0x08, h.function.readConfig(dev.vmboot.platform.PciFunction.STATUS, 2) & 0x08,
                "PCI 3.0, 6.2.3: Interrupt Status follows the line");
    }

    @Test
    void vectorsOutsideTheMsixTableReadBackAsNoVector() {
        TransportHarness h = new TransportHarness();
        h.write(CONFIG_MSIX_VECTOR, 2, 2);
        assertEquals(2, h.read(CONFIG_MSIX_VECTOR, 2));
        h.write(CONFIG_MSIX_VECTOR, 2, 3);
        assertEquals(NO_VECTOR, h.read(CONFIG_MSIX_VECTOR, 2), "4.1.5.1.2: the table has 3 vectors");
        h.write(QUEUE_SELECT, 2, 1);
        h.write(QUEUE_MSIX_VECTOR, 2, 1);
        assertEquals(1, h.read(QUEUE_MSIX_VECTOR, 2));
    }

    @Test
    void withMsixEnabledInterruptsAreMessagesAndTheIsrStaysClear() {
        TransportHarness h = new TransportHarness();
        MsixTableTest.program(h.function, 1, 0xFEE0_0000L, 0x41);
        MsixTableTest.enable(h.function, true, false);
        h.write(QUEUE_SELECT, 2, 0);
        h.write(QUEUE_MSIX_VECTOR, 2, 1);

        h.transport.signalQueue(0);
        assertEquals(List.of("fee00000:41"), h.msis);
        assertEquals(0, h.read(VirtioPciFunction.ISR_OFFSET, 1));
        assertEquals(List.of(), h.intx);

        h.transport.signalQueue(1); // queue 1 has NO_VECTOR: 4.1.5.1.2, no interrupt at all
        assertEquals(List.of("fee00000:41"), h.msis);
        assertEquals(List.of(), h.intx);
    }

    @Test
    void deviceConfigurationReadsAnyWidthAndPastItsEndReadsZero() {
        TransportHarness h = new TransportHarness();
        int base = VirtioPciFunction.DEVICE_OFFSET;
        assertEquals(0x0807060504030201L, h.read(base, 8));
        assertEquals(0x0403, h.read(base + 2, 2));
        assertEquals(0x0A09, h.read(base + 8, 4));
        assertEquals(0, h.read(base + 0x100, 4));
        h.write(base + 4, 2, 0xBEEF);
        assertEquals("writeConfig 4", h.device.calls().get(0));
    }

    @Test
    void aDriverRestartingADeviceThatCannotStartLogsAFewHundredLinesAtMost() {
        TransportHarness h = new TransportHarness();
        h.device.failActivation = true;
        try (LogLineCapture log = LogLineCapture.all()) {
            for (int i = 0; i < 1000; i++) {
                h.negotiate(VERSION_1);
                h.setUpQueue(0, 128, 0x1000, 0x4000, 0x5000);
                h.driverOk();
                assertTrue((h.status() & STATUS_DEVICE_NEEDS_RESET) != 0);
                h.write(DEVICE_STATUS, 1, 0);
            }
            assertTrue(log.records().size() <= GuestLogLimiter.DEFAULT_LINES + 1, log.records().size()
                    + " lines logged");
        }
    }

    @Test
    void aDriverRestartingADeviceThatFailsServingLogsAFewHundredLinesAtMost() throws Exception {
        TransportHarness h = new TransportHarness();
        h.device.failServing = true;
        try (LogLineCapture log = LogLineCapture.all()) {
            for (int i = 0; i < 300; i++) {
                h.negotiate(VERSION_1);
                h.setUpQueue(0, 128, 0x1000, 0x4000, 0x5000);
                h.driverOk();
                assertTrue(h.device.notifications.tryAcquire(10, TimeUnit.SECONDS), "the worker's first pass");
                h.write(DEVICE_STATUS, 1, 0); // joins the worker, which has failed or is failing
            }
            assertTrue(log.records().size() <= GuestLogLimiter.DEFAULT_LINES + 1, log.records().size()
                    + " lines logged");
            assertEquals(1, log.lines().stream().filter(l -> l.equals("java.lang.IllegalStateException: test: a "
                    + "device bug")).count(), "stack traces");
        }
    }
}
