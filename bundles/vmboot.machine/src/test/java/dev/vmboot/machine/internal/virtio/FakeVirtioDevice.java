package dev.vmboot.machine.internal.virtio;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import java.nio.ByteBuffer;
import java.util.Optional;

import dev.vmboot.api.virtio.DescriptorChain;
import dev.vmboot.api.virtio.InvalidChainException;
import dev.vmboot.api.virtio.VirtioActivation;
import dev.vmboot.api.virtio.Virtqueue;
import dev.vmboot.api.virtio.VirtioDevice;
import dev.vmboot.api.virtio.VirtqueueBrokenException;

/**
 * A virtio device for transport tests: two queues, records every call with the thread it came on, and can be told to
 * block inside {@link #queueNotified} (a slow back-end) or to break a queue.
 */
final class FakeVirtioDevice implements VirtioDevice {
    static final long DEVICE_FEATURES = 1L << 5 | 1L << 9;

    final List<String> calls = new ArrayList<>();
    volatile VirtioActivation activation;
    volatile boolean breakQueue;
    /** {@link #activate} fails (a back-end that cannot start). */
    volatile boolean failActivation;
    /** {@link #queueNotified} fails with a RuntimeException (a device bug the guest can reach). */
    volatile boolean failServing;
    /** Serve queue 0 as an echo device: each chain's readable bytes are copied, reversed, into its writable ones. */
    volatile boolean echo;
    volatile long invalidChains;
    /** How many more calls end saying "chains left at my bound: call again". */
    volatile int askAgain;
    /** When set, queueNotified waits for a permit (released by the test). */
    volatile Semaphore gate;
    final CountDownLatch firstNotification = new CountDownLatch(1);
    final Semaphore notifications = new Semaphore(0);
    volatile boolean workerInside;
    volatile boolean resetWhileWorkerInside;
    byte[] config = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    byte[] lastConfigWrite;

    @Override
    public int deviceType() {
        return 2;
    }

    @Override
    public int[] queueMaxSizes() {
        return new int[] {256, 64};
    }

    @Override
    public long deviceFeatures() {
        return DEVICE_FEATURES;
    }

    @Override
    public byte[] configSpace() {
        return config.clone();
    }

    @Override
    public synchronized void writeConfig(int offset, byte[] data) {
        calls.add("writeConfig " + offset);
        lastConfigWrite = data.clone();
    }

    @Override
    public synchronized void activate(VirtioActivation a) {
        calls.add("activate");
        if (failActivation) {
            throw new IllegalStateException("test: the back-end cannot start");
        }
        activation = a;
    }

    @Override
    public boolean queueNotified(int index) throws VirtqueueBrokenException {
        workerInside = true;
        try {
            synchronized (this) {
                calls.add("notified " + index + " on " + Thread.currentThread().getName());
            }
            firstNotification.countDown();
            notifications.release();
            if (breakQueue) {
                throw new VirtqueueBrokenException(index, "test: broken");
            }
            if (failServing) {
                throw new IllegalStateException("test: a device bug");
            }
            if (echo) {
                serveEcho(activation.queue(index));
            }
            Semaphore g = gate;
            if (g != null) {
                g.tryAcquire(10, TimeUnit.SECONDS);
            }
            if (askAgain > 0) {
                askAgain--;
                return true;
            }
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            workerInside = false;
        }
    }

    private void serveEcho(Virtqueue queue) throws VirtqueueBrokenException {
        do {
            queue.disableNotification();
            for (int served = 0; served < queue.size(); served++) {
                Optional<DescriptorChain> next;
                try {
                    next = queue.pop();
                } catch (InvalidChainException e) {
                    invalidChains++;
                    if (e.headIndex() < queue.size()) {
                        queue.addUsed(e.headIndex(), 0);
                    }
                    continue;
                }
                if (next.isEmpty()) {
                    break;
                }
                DescriptorChain chain = next.get();
                int n = (int) Math.min(chain.readableBytes(), chain.writableBytes());
                ByteBuffer in = ByteBuffer.allocate(n);
                chain.read(0, in);
                byte[] reversed = new byte[n];
                for (int i = 0; i < n; i++) {
                    reversed[i] = in.get(n - 1 - i);
                }
                chain.write(0, ByteBuffer.wrap(reversed));
                queue.addUsed(chain.headIndex(), n);
            }
        } while (queue.enableNotification());
        if (queue.needsNotification()) {
            activation.interrupt().queue(queue.index());
        }
    }

    @Override
    public synchronized void reset() {
        resetWhileWorkerInside |= workerInside;
        calls.add("reset");
        activation = null;
    }

    @Override
    public synchronized void close() {
        calls.add("close");
    }

    synchronized List<String> calls() {
        return List.copyOf(calls);
    }
}
