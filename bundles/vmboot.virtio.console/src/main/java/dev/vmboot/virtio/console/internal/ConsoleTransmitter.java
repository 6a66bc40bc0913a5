package dev.vmboot.virtio.console.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.vmboot.api.memory.GuestMemoryException;
import dev.vmboot.api.virtio.DescriptorChain;
import dev.vmboot.api.virtio.InvalidChainException;
import dev.vmboot.api.virtio.VirtioInterrupt;
import dev.vmboot.api.virtio.Virtqueue;
import dev.vmboot.api.virtio.VirtqueueBrokenException;
import dev.vmboot.virtio.DeviceCounters;

/**
 * Port 0's transmit queue (virtio 1.2, 5.3.6): what the guest writes to {@code hvc0} goes to the console's output.
 * <p>
 * Backpressure: a pass writes its chains' bytes through one small buffer, flushes the output, and only then returns
 * the chains to the driver. A guest that writes faster than the terminal drains finds its buffers still in use and
 * waits in its own driver; the host holds at most one piece, whatever the guest writes.
 * <p>
 * Threads: {@link #drain} is called by the transmit queue's worker only.
 */
final class ConsoleTransmitter {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleTransmitter.class);
    /**
     * The longest transmit chain taken: Linux writes at most a page per buffer to hvc0 and 32 KiB per buffer to a
     * port's character device; a longer chain is refused rather than streamed, so one chain cannot hold the worker.
     */
    static final long MAX_CHAIN_BYTES = 64 << 10;
    private static final int PIECE = 4096;

    private final Virtqueue queue;
    private final VirtioInterrupt interrupt;
    private final OutputStream output;
    private final DeviceCounters<ConsoleCounter> counters;
    private final byte[] piece = new byte[PIECE];
    private final int[] done;
    private boolean outputErrorTold;

    ConsoleTransmitter(Virtqueue queue, VirtioInterrupt interrupt, OutputStream output,
            DeviceCounters<ConsoleCounter> counters) {
        this.queue = queue;
        this.interrupt = interrupt;
        this.output = output;
        this.counters = counters;
        this.done = new int[queue.size()];
    }

    /**
     * Writes out what the driver made available, at most a queue size of chains, then returns them.
     *
     * @return true if the pass stopped at its bound with chains waiting
     * @throws VirtqueueBrokenException when the available ring is impossible
     */
    boolean drain() throws VirtqueueBrokenException {
        int count = 0;
        boolean more = true;
        boolean wrote = false;
        queue.disableNotification();
        try {
            for (int popped = 0; popped < done.length; popped++) {
                Optional<DescriptorChain> next;
                try {
                    next = queue.pop();
                } catch (InvalidChainException e) {
                    counters.invalidChain(e.kind());
                    if (e.headIndex() >= 0 && e.headIndex() < queue.size()) {
                        done[count++] = e.headIndex();
                    }
                    continue;
                }
                if (next.isEmpty()) {
                    if (queue.enableNotification()) {
                        queue.disableNotification();
                        popped--; // nothing was taken
                        continue;
                    }
                    more = false;
                    break;
                }
                done[count++] = next.get().headIndex();
                wrote |= write(next.get());
            }
            if (more) {
                more = queue.enableNotification(); // at the bound: are chains still waiting?
            }
        } finally {
            if (wrote) {
                flush();
            }
            for (int i = 0; i < count; i++) {
                queue.addUsed(done[i], 0); // the device writes nothing into transmit buffers
            }
            if (count > 0 && queue.needsNotification()) {
                interrupt.queue(queue.index());
            }
        }
        if (more) {
            counters.increment(ConsoleCounter.DRAIN_CAP_REACHED);
        }
        return more;
    }

    /** Writes one chain's bytes to the output; false if it was refused or empty. */
    private boolean write(DescriptorChain chain) {
        if (!chain.writable().isEmpty()) {
            counters.increment(ConsoleCounter.REFUSED_WRITABLE);
            return false;
        }
        long length = chain.readableBytes();
        if (length > MAX_CHAIN_BYTES) {
            counters.increment(ConsoleCounter.REFUSED_TOO_LONG);
            return false;
        }
        if (length == 0) {
            counters.increment(ConsoleCounter.EMPTY_CHAINS);
            return false;
        }
        try {
            for (long at = 0; at < length; ) {
                int n = (int) Math.min(PIECE, length - at);
                chain.read(at, ByteBuffer.wrap(piece, 0, n));
                output.write(piece, 0, n);
                at += n;
                counters.add(ConsoleCounter.OUTPUT_BYTES, n);
            }
        } catch (GuestMemoryException e) {
            counters.increment(ConsoleCounter.GUEST_MEMORY_ERRORS);
        } catch (IOException e) {
            outputError(e);
        }
        return true;
    }

    private void flush() {
        try {
            output.flush();
        } catch (IOException e) {
            outputError(e);
        }
    }

    private void outputError(IOException e) {
        counters.increment(ConsoleCounter.OUTPUT_ERRORS);
        if (!outputErrorTold) {
            outputErrorTold = true;
            LOG.warn("virtio-console: writing to the console failed ({}); the guest's output is dropped while it "
                    + "fails (counted as output_errors)", e.toString());
        }
    }
}
