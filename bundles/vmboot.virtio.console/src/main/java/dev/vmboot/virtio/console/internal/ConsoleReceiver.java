package dev.vmboot.virtio.console.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Optional;

import dev.vmboot.api.memory.GuestMemoryException;
import dev.vmboot.api.virtio.DescriptorChain;
import dev.vmboot.api.virtio.InvalidChainException;
import dev.vmboot.api.virtio.VirtioInterrupt;
import dev.vmboot.api.virtio.Virtqueue;
import dev.vmboot.api.virtio.VirtqueueBrokenException;
import dev.vmboot.virtio.DeviceCounters;
import dev.vmboot.virtio.InvalidChains;

/**
 * Port 0's receive queue (virtio 1.2, 5.3.6): keys typed on the console go into the receive buffers the driver gives.
 * Keys are taken from the console only while none are pending, at most {@link #PENDING_BYTES} at a time: a guest that
 * gives no buffers leaves the rest with the terminal, not in the host's memory.
 * <p>
 * Threads: used by the device's receive thread only, which alone uses the queue.
 */
final class ConsoleReceiver {
    /** The most keys held for the guest at once. */
    static final int PENDING_BYTES = 256;

    private final Virtqueue queue;
    private final VirtioInterrupt interrupt;
    private final DeviceCounters<ConsoleCounter> counters;
    private final byte[] pending = new byte[PENDING_BYTES];
    private int start;
    private int end;

    ConsoleReceiver(Virtqueue queue, VirtioInterrupt interrupt, DeviceCounters<ConsoleCounter> counters) {
        this.queue = queue;
        this.interrupt = interrupt;
        this.counters = counters;
    }

    boolean hasPending() {
        return start < end;
    }

    /**
     * Takes what the console's input has ready, if no keys are pending, without blocking: a read left blocked when the
     * machine ends would take the next keys from whoever reads the console after it.
     *
     * @return the bytes taken, or -1 when the input ended
     */
    int takeKeys(InputStream input) throws IOException {
        if (hasPending()) {
            return 0;
        }
        int ready = input.available();
        if (ready <= 0) {
            return 0;
        }
        int n = input.read(pending, 0, Math.min(ready, PENDING_BYTES));
        if (n > 0) {
            start = 0;
            end = n;
        }
        return n;
    }

    /**
     * Puts the pending keys into receive buffers, at most a queue size of chains.
     *
     * @return true when no keys are left pending; false when the driver gave too few buffers (notifications are then
     *         on: its next buffer wakes the device)
     * @throws VirtqueueBrokenException when the available ring is impossible
     */
    boolean deliver() throws VirtqueueBrokenException {
        int used = 0;
        try {
            for (int popped = 0; hasPending() && popped < queue.size(); popped++) {
                Optional<DescriptorChain> next;
                try {
                    next = queue.pop();
                } catch (InvalidChainException e) {
                    if (InvalidChains.giveBack(queue, e, counters)) {
                        used++;
                    }
                    continue;
                }
                if (next.isEmpty()) {
                    if (!queue.enableNotification()) {
                        return false;
                    }
                    popped--; // a chain arrived meanwhile: nothing was taken yet
                    continue;
                }
                queue.addUsed(next.get().headIndex(), fill(next.get()));
                used++;
            }
            return !hasPending();
        } finally {
            if (used > 0 && queue.needsNotification()) {
                interrupt.queue(queue.index());
            }
        }
    }

    /** Writes pending keys into one chain; returns how many (0 for a refused chain). */
    private long fill(DescriptorChain chain) {
        if (!chain.readable().isEmpty()) {
            counters.increment(ConsoleCounter.REFUSED_READABLE);
            return 0;
        }
        if (chain.writableBytes() == 0) {
            counters.increment(ConsoleCounter.EMPTY_CHAINS);
            return 0;
        }
        int n = (int) Math.min(end - start, chain.writableBytes());
        try {
            chain.write(0, ByteBuffer.wrap(pending, start, n));
        } catch (GuestMemoryException e) {
            counters.increment(ConsoleCounter.GUEST_MEMORY_ERRORS);
            return 0;
        }
        start += n;
        counters.add(ConsoleCounter.INPUT_BYTES, n);
        return n;
    }
}
