package dev.vmboot.machine.internal.virtio;

import static dev.vmboot.machine.internal.virtio.VirtioPciTransport.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.vmboot.api.virtio.VirtioFeatures;
import dev.vmboot.testkit.MockDriverQueue;
import dev.vmboot.testkit.MockDriverQueue.Buffer;

/**
 * A driver, as Linux's virtio_pci_modern does it, programs the transport through the BAR, and requests travel through
 * the shared split virtqueue to a device on its worker thread and back, with their interrupts: the whole path of a
 * request without KVM.
 */
class VirtioPciDriverTest {

    private static final long FEATURES = VirtioFeatures.bit(VirtioFeatures.VERSION_1)
            | VirtioFeatures.bit(VirtioFeatures.RING_EVENT_IDX) | VirtioFeatures.bit(VirtioFeatures.RING_INDIRECT_DESC);

    private static MockDriverQueue start(TransportHarness h) {
        h.device.echo = true;
        MsixTableTest.program(h.function, 0, 0xFEE0_0000L, 0x30);
        MsixTableTest.enable(h.function, true, false);
        h.write(CONFIG_MSIX_VECTOR, 2, 2);
        assertEquals(STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK, h.negotiate(FEATURES));
        MockDriverQueue q = MockDriverQueue.at(h.memory, 16, 0x10000);
        h.write(QUEUE_SELECT, 2, 0);
        h.write(QUEUE_MSIX_VECTOR, 2, 0);
        h.setUpQueue(0, 16, q.descriptorTable(), q.availableRing(), q.usedRing());
        assertEquals(1, h.read(QUEUE_ENABLE, 2));
        h.driverOk();
        return q;
    }

    private static void awaitUsed(MockDriverQueue q, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (q.usedIndex() < count && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        assertEquals(count, q.usedIndex());
    }

    @Test
    void aRequestIsServedOnTheWorkerAndInterruptsThroughItsMsixVector() throws Exception {
        TransportHarness h = new TransportHarness(true);
        MockDriverQueue q = start(h);
        h.memory.write(0x20000, new byte[] {1, 2, 3, 4});
        int head = q.addChain(Buffer.readable(0x20000, 4), Buffer.writable(0x21000, 4));
        q.publish();
        h.write(VirtioPciFunction.NOTIFY_OFFSET, 2, 0);

        awaitUsed(q, 1);
        assertEquals(new MockDriverQueue.UsedElement(head, 4), q.usedElement(0));
        assertArrayEquals(new byte[] {4, 3, 2, 1}, h.memory.read(0x21000, 4));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (h.msis.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        assertEquals(List.of("fee00000:30"), h.msis);
        h.transport.reset();
    }

    @Test
    void aHostileChainCostsOnlyItselfAndTheNextRequestIsServed() throws Exception {
        TransportHarness h = new TransportHarness(true);
        MockDriverQueue q = start(h);
        int loop = q.allocateDescriptor();
        q.writeDescriptor(loop, new MockDriverQueue.RawDescriptor(0x20000, 4, MockDriverQueue.F_NEXT, loop));
        q.offer(loop);
        h.memory.write(0x20000, new byte[] {9, 8});
        int good = q.addChain(Buffer.readable(0x20000, 2), Buffer.writable(0x22000, 2));
        q.publish();
        h.write(VirtioPciFunction.NOTIFY_OFFSET, 2, 0);

        awaitUsed(q, 2);
        assertEquals(new MockDriverQueue.UsedElement(loop, 0), q.usedElement(0));
        assertEquals(new MockDriverQueue.UsedElement(good, 2), q.usedElement(1));
        assertArrayEquals(new byte[] {8, 9}, h.memory.read(0x22000, 2));
        assertEquals(1, h.device.invalidChains);
        assertEquals(STATUS_DRIVER_OK, h.status() & (STATUS_DRIVER_OK | STATUS_DEVICE_NEEDS_RESET));
        h.transport.reset();
    }

    @Test
    void anAvailableIndexFromNowhereBreaksTheDeviceNotTheVmm() throws Exception {
        TransportHarness h = new TransportHarness(true);
        MockDriverQueue q = start(h);
        q.setAvailIndex(1000);
        h.write(VirtioPciFunction.NOTIFY_OFFSET, 2, 0);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        // The worker sets DEVICE_NEEDS_RESET, then signals it: wait for both.
        while (((h.status() & STATUS_DEVICE_NEEDS_RESET) == 0 || !h.msix.isPending(2))
                && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        assertEquals(STATUS_DEVICE_NEEDS_RESET, h.status() & STATUS_DEVICE_NEEDS_RESET);
        assertTrue(h.msix.isPending(2), "the change is signalled on the configuration vector (masked: pending)");

        // The driver resets and sets the device up again; it serves.
        h.write(DEVICE_STATUS, 1, 0);
        assertEquals(0, h.status());
        MockDriverQueue again = start(h);
        h.memory.write(0x20000, new byte[] {5, 6});
        again.addChain(Buffer.readable(0x20000, 2), Buffer.writable(0x23000, 2));
        again.publish();
        h.write(VirtioPciFunction.NOTIFY_OFFSET, 2, 0);
        awaitUsed(again, 1);
        assertArrayEquals(new byte[] {6, 5}, h.memory.read(0x23000, 2));
        h.transport.reset();
    }
}
