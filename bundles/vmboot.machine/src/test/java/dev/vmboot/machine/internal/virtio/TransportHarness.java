package dev.vmboot.machine.internal.virtio;

import static dev.vmboot.machine.internal.virtio.VirtioPciTransport.*;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import dev.vmboot.api.device.GuestLogLimiter;
import dev.vmboot.api.memory.GuestMemory;
import dev.vmboot.api.memory.MemoryRegion;
import dev.vmboot.api.virtio.DescriptorChain;
import dev.vmboot.api.virtio.Virtqueue;
import dev.vmboot.memory.RegionGuestMemory;
import dev.vmboot.virtio.InvalidQueueLayoutException;
import dev.vmboot.virtio.QueueLayout;
import dev.vmboot.virtio.SplitVirtqueue;

/**
 * A {@link VirtioPciFunction} with a {@link FakeVirtioDevice}, plain-Java doorbells, recorded MSIs and INTx, and a few
 * driver steps (virtio 1.2, 3.1.1 "Driver Requirements: Device Initialization") expressed as register accesses.
 */
final class TransportHarness {
    final FakeVirtioDevice device = new FakeVirtioDevice();
    final GuestMemory memory = RegionGuestMemory.onHeap(new MemoryRegion(0, 1 << 20, false));
    final List<String> msis = Collections.synchronizedList(new ArrayList<>());
    final List<Boolean> intx = Collections.synchronizedList(new ArrayList<>());
    final LatchDoorbell[] doorbells = {new LatchDoorbell(), new LatchDoorbell()};
    final List<QueueRegisters> createdQueues = Collections.synchronizedList(new ArrayList<>());
    final MsixTable msix = new MsixTable(3, (address, data) -> msis.add(Long.toHexString(address) + ":"
            + Integer.toHexString(data)));
    final VirtioPciTransport transport;
    final VirtioPciFunction function;

    /** With a stand-in queue that only records what the driver programmed. */
    TransportHarness() {
        this(false);
    }

    /** With the shared library's {@link SplitVirtqueue} when {@code realQueues}. */
    TransportHarness(boolean realQueues) {
        VirtqueueFactory queues = realQueues ? TransportHarness::splitVirtqueue : this::createQueue;
        transport = new VirtioPciTransport("vmboot-test-virtio-blk0", device, memory, queues, msix,
                GuestLogLimiter.perMinute("VM t"), new VirtioPciTransport.Environment() {
                @Override
                public Doorbell doorbell(int index) {
                    return doorbells[index];
                }

                @Override
                public dev.vmboot.api.device.InterruptLine intx() {
                    return intx::add;
                }
            });
        function = new VirtioPciFunction(transport, msix, 0x018000);
    }

    private static Virtqueue splitVirtqueue(int index, QueueRegisters r, GuestMemory m, long features) {
        try {
            return SplitVirtqueue.create(index, new QueueLayout(r.size(), r.descriptors(), r.driverArea(),
                    r.deviceArea()), m, features);
        } catch (InvalidQueueLayoutException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** Refuses what the real queue would for these tests: a descriptor table that is not 16-byte aligned. */
    private Virtqueue createQueue(int index, QueueRegisters r, GuestMemory m, long features) {
        if (r.descriptors() % 16 != 0) {
            throw new IllegalArgumentException("descriptor table not 16-aligned");
        }
        createdQueues.add(r);
        return new Virtqueue() {
            @Override
            public int index() {
                return index;
            }

            @Override
            public int size() {
                return r.size();
            }

            @Override
            public Optional<DescriptorChain> pop() {
                return Optional.empty();
            }

            @Override
            public void addUsed(int headIndex, long bytesWritten) {
            }

            @Override
            public void addUsed(int[] headIndices, long[] bytesWritten, int count) {
            }

            @Override
            public void disableNotification() {
            }

            @Override
            public boolean enableNotification() {
                return false;
            }

            @Override
            public boolean needsNotification() {
                return false;
            }
        };
    }

    long read(int offset, int size) {
        return function.bar().read(offset, size);
    }

    void write(int offset, int size, long value) {
        function.bar().write(offset, size, value);
    }

    int status() {
        return (int) read(DEVICE_STATUS, 1);
    }

    long deviceFeatures() {
        write(DEVICE_FEATURE_SELECT, 4, 0);
        long low = read(DEVICE_FEATURE, 4);
        write(DEVICE_FEATURE_SELECT, 4, 1);
        return read(DEVICE_FEATURE, 4) << 32 | low;
    }

    /** ACKNOWLEDGE, DRIVER, the features, FEATURES_OK; returns the status read back. */
    int negotiate(long features) {
        write(DEVICE_STATUS, 1, STATUS_ACKNOWLEDGE);
        write(DEVICE_STATUS, 1, STATUS_ACKNOWLEDGE | STATUS_DRIVER);
        write(DRIVER_FEATURE_SELECT, 4, 0);
        write(DRIVER_FEATURE, 4, features & 0xFFFF_FFFFL);
        write(DRIVER_FEATURE_SELECT, 4, 1);
        write(DRIVER_FEATURE, 4, features >>> 32);
        write(DEVICE_STATUS, 1, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK);
        return status();
    }

    /** Programs queue {@code q} the way Linux does: 64-bit addresses as two 32-bit halves. */
    void setUpQueue(int q, int size, long desc, long avail, long used) {
        write(QUEUE_SELECT, 2, q);
        write(QUEUE_SIZE, 2, size);
        writeHalves(QUEUE_DESC, desc);
        writeHalves(QUEUE_DRIVER, avail);
        writeHalves(QUEUE_DEVICE, used);
        write(QUEUE_ENABLE, 2, 1);
    }

    private void writeHalves(int offset, long value) {
        write(offset, 4, value & 0xFFFF_FFFFL);
        write(offset + 4, 4, value >>> 32);
    }

    void driverOk() {
        write(DEVICE_STATUS, 1, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK | STATUS_DRIVER_OK);
    }

    long acceptable() {
        return transport.offeredFeatures();
    }
}
