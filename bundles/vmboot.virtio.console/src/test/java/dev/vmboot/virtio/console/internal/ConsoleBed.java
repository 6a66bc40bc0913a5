package dev.vmboot.virtio.console.internal;

import java.util.Arrays;

import dev.vmboot.api.memory.MemoryRegion;
import dev.vmboot.api.virtio.VirtioFeatures;
import dev.vmboot.memory.RegionGuestMemory;
import dev.vmboot.testkit.MockDriverQueue;
import dev.vmboot.testkit.MockDriverQueue.Buffer;
import dev.vmboot.testkit.RecordingVirtioInterrupt;
import dev.vmboot.virtio.InvalidQueueLayoutException;
import dev.vmboot.virtio.QueueLayout;
import dev.vmboot.virtio.SplitVirtqueue;

/**
 * A guest's port 0 for the console's tests: 1 MiB of heap RAM, the driver's receive queue at 0x1000 and transmit
 * queue at 0x4000 ({@link MockDriverQueue}), the device's {@link SplitVirtqueue}s over them, a
 * {@link RecordingVirtioInterrupt}, buffers from 0x10000 on.
 */
final class ConsoleBed {
    static final long RAM = 1L << 20;
    static final long BUFFERS = 0x10000;
    /** What a buffer holds before the device writes it. */
    static final byte UNWRITTEN = (byte) 0xEE;

    final RegionGuestMemory memory = RegionGuestMemory.onHeap(new MemoryRegion(0, RAM, false));
    final RecordingVirtioInterrupt interrupt = new RecordingVirtioInterrupt();
    final MockDriverQueue rxDriver;
    final MockDriverQueue txDriver;
    final SplitVirtqueue rx;
    final SplitVirtqueue tx;
    private long next = BUFFERS;

    ConsoleBed(int size) {
        rxDriver = MockDriverQueue.at(memory, size, 0x1000);
        txDriver = MockDriverQueue.at(memory, size, 0x4000);
        rx = queue(0, rxDriver);
        tx = queue(1, txDriver);
    }

    private SplitVirtqueue queue(int index, MockDriverQueue driver) {
        try {
            return SplitVirtqueue.create(index, new QueueLayout(driver.size(), driver.descriptorTable(),
                    driver.availableRing(), driver.usedRing()), memory, VirtioFeatures.bit(VirtioFeatures.VERSION_1));
        } catch (InvalidQueueLayoutException e) {
            throw new AssertionError(e);
        }
    }

    /** A writable buffer of {@code length} bytes, each {@link #UNWRITTEN}. */
    Buffer writable(int length) {
        byte[] fill = new byte[length];
        Arrays.fill(fill, UNWRITTEN);
        return Buffer.writable(allocate(fill), length);
    }

    /** A readable buffer holding {@code bytes}. */
    Buffer readable(byte[] bytes) {
        return Buffer.readable(allocate(bytes), bytes.length);
    }

    /** Offers one chain of {@code buffers} on {@code driver} and publishes it; returns its head. */
    static int submit(MockDriverQueue driver, Buffer... buffers) {
        int head = driver.addChain(buffers);
        driver.publish();
        return head;
    }

    /** Whether a buffer of {@code length} bytes still fits in the test RAM. */
    boolean hasRoom(int length) {
        return ((next + length + 7) & ~7L) <= RAM;
    }

    byte[] bytes(Buffer b) {
        byte[] out = new byte[b.length()];
        memory.read(b.address(), out, 0, out.length);
        return out;
    }

    private long allocate(byte[] bytes) {
        long at = next;
        next = (at + bytes.length + 7) & ~7L;
        if (next > RAM) {
            throw new IllegalStateException("test RAM used up");
        }
        memory.write(at, bytes);
        return at;
    }
}
