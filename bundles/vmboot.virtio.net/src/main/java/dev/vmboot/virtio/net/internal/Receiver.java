package dev.vmboot.virtio.net.internal;

import java.io.IOException;
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
import dev.vmboot.virtio.InvalidChains;

/**
 * The receive side of one activation (virtio 1.2, 5.1.6.3 and 5.1.6.4): a thread of its own reads frames from the tap
 * into one staging buffer and copies each into the receive buffers the driver offered, spreading it over several
 * with VIRTIO_NET_F_MRG_RXBUF, whose used elements are published together.
 * <p>
 * What a guest can cost: one staging buffer, one thread, and a frame held at most {@link #bufferWaitMillis} while the
 * queue has no buffer; then the frame is dropped and counted, and the next one read (the tap's own queue, bounded by
 * its txqueuelen, holds the rest meanwhile). At most a queue size of chains is looked at per frame. Nothing is logged
 * per frame.
 * <p>
 * Threads: the receive queue belongs to this thread from {@link #start} until {@link #stop} returns; the queue's
 * worker only calls {@link #buffersOffered}. After {@code stop} returns the thread has ended: it touches neither guest
 * memory nor the interrupt any more.
 */
final class Receiver {
    private static final Logger LOG = LoggerFactory.getLogger(Receiver.class);

    /** Frames read before the interrupt is looked at: bounds the latency a burst adds. */
    private static final int BATCH = 64;
    /** How long {@link #stop} waits for the thread, as the transport waits for its queue workers. */
    private static final long STOP_MILLIS = 30_000;

    private final Virtqueue queue;
    private final VirtioInterrupt interrupt;
    private final TapDevice tap;
    private final boolean mergeBuffers;
    private final boolean guestChecksums;
    private final long bufferWaitMillis;
    private final DeviceCounters<NetCounter> counters;
    private final ByteBuffer staging;
    private final int[] heads;
    private final long[] lengths;
    private final Object offered = new Object();
    private boolean buffersArrived; // guarded by offered
    private final Thread thread;
    private volatile boolean stopping;

    /**
     * @param staging          a direct buffer for one header and frame: its capacity is the longest frame taken
     * @param mergeBuffers     VIRTIO_NET_F_MRG_RXBUF was negotiated
     * @param guestChecksums   VIRTIO_NET_F_GUEST_CSUM was negotiated (else the header's flags are cleared, 5.1.6.4.1)
     * @param bufferWaitMillis how long a frame waits for receive buffers before it is dropped
     */
    Receiver(String threadName, Virtqueue queue, VirtioInterrupt interrupt, TapDevice tap, ByteBuffer staging,
            boolean mergeBuffers, boolean guestChecksums, long bufferWaitMillis, DeviceCounters<NetCounter> counters) {
        this.queue = queue;
        this.interrupt = interrupt;
        this.tap = tap;
        this.staging = staging;
        this.mergeBuffers = mergeBuffers;
        this.guestChecksums = guestChecksums;
        this.bufferWaitMillis = bufferWaitMillis;
        this.counters = counters;
        this.heads = new int[queue.size()];
        this.lengths = new long[queue.size()];
        this.thread = new Thread(this::run, threadName);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** The driver offered receive buffers (a notification of the receive queue): a frame waiting for them goes on. */
    void buffersOffered() {
        synchronized (offered) {
            buffersArrived = true;
            offered.notifyAll();
        }
    }

    /**
     * Ends the thread and waits for it (bounded).
     *
     * @return whether it has ended
     */
    boolean stop() {
        stopping = true;
        tap.wakeUp();
        synchronized (offered) {
            offered.notifyAll();
        }
        if (Thread.currentThread() == thread) {
            return false;
        }
        try {
            thread.join(STOP_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !thread.isAlive();
    }

    private void run() {
        try {
            while (!stopping) {
                int frames = 0;
                while (!stopping && frames < BATCH && readAndDeliver()) {
                    frames++;
                }
                signal();
                if (frames < BATCH && !stopping) {
                    tap.awaitReadable(-1);
                }
            }
        } catch (VirtqueueBrokenException e) {
            interrupt.needsReset();
        } catch (IOException e) {
            counters.increment(NetCounter.RX_TAP_ERRORS);
            LOG.warn("virtio-net {}: receiving stopped: {}", tap.name(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Reads one frame and delivers or drops it; false when the tap had none. */
    private boolean readAndDeliver() throws IOException, VirtqueueBrokenException, InterruptedException {
        staging.clear();
        int n;
        try {
            n = tap.read(staging);
        } catch (TapDevice.FrameTooLargeException e) {
            counters.increment(NetCounter.RX_DROPPED_BAD_LENGTH);
            return true;
        }
        if (n == 0) {
            return false;
        }
        if (n < NetHeader.BYTES + Transmitter.ETHERNET_HEADER) {
            counters.increment(NetCounter.RX_DROPPED_BAD_LENGTH);
            return true;
        }
        staging.flip();
        NetHeader h = NetHeader.read(staging);
        if (!guestChecksums && h.flags() != 0) {
            h = h.withFlags(0);
        }
        h.withNumBuffers(1).write(staging);
        deliver(n);
        return true;
    }

    /** Copies the staged frame of {@code n} bytes into receive buffers, or drops it; counted either way. */
    private void deliver(int n) throws VirtqueueBrokenException, InterruptedException {
        int used = 0;
        long copied = 0;
        DescriptorChain first = null;
        long deadline = 0; // of the wait for buffers, once per frame: a driver that notifies without offering
                           // any cannot hold the frame longer
        for (int looked = 0; copied < n; looked++) {
            if (looked >= queue.size()) {
                returnUnused(used);
                counters.increment(NetCounter.RX_DROPPED_BAD_BUFFERS);
                return;
            }
            Optional<DescriptorChain> next;
            try {
                next = queue.pop();
            } catch (InvalidChainException e) {
                InvalidChains.giveBack(queue, e, counters);
                continue;
            }
            if (next.isEmpty()) {
                looked--; // waiting is bounded by time, not by the chains looked at
                if (queue.enableNotification()) {
                    continue; // buffers came meanwhile
                }
                if (deadline == 0) {
                    deadline = System.nanoTime() + bufferWaitMillis * 1_000_000;
                    counters.increment(NetCounter.RX_WAITS);
                }
                if (!awaitBuffers(deadline)) {
                    returnUnused(used);
                    counters.increment(NetCounter.RX_DROPPED_NO_BUFFER);
                    return;
                }
                continue;
            }
            DescriptorChain chain = next.get();
            long room = chain.writableBytes();
            if (room == 0 || (used == 0 && room < NetHeader.BYTES)) {
                queue.addUsed(chain.headIndex(), 0);
                counters.increment(NetCounter.RX_BAD_BUFFERS);
                continue;
            }
            if (!mergeBuffers && room < n) {
                queue.addUsed(chain.headIndex(), 0);
                counters.increment(NetCounter.RX_DROPPED_TOO_BIG);
                return;
            }
            int take = (int) Math.min(room, n - copied);
            try {
                chain.write(0, staging.slice((int) copied, take));
            } catch (GuestMemoryException e) {
                queue.addUsed(chain.headIndex(), 0);
                returnUnused(used);
                counters.increment(NetCounter.GUEST_MEMORY_ERRORS);
                return;
            }
            if (used == 0) {
                first = chain;
            }
            heads[used] = chain.headIndex();
            lengths[used] = take;
            used++;
            copied += take;
        }
        if (used > 1) {
            try {
                first.write(NetHeader.NUM_BUFFERS_OFFSET, ByteBuffer.wrap(new byte[] { (byte) used,
                        (byte) (used >>> 8) }));
            } catch (GuestMemoryException e) {
                returnUnused(used);
                counters.increment(NetCounter.GUEST_MEMORY_ERRORS);
                return;
            }
        }
        queue.addUsed(heads, lengths, used);
        counters.increment(NetCounter.RX_FRAMES);
        counters.add(NetCounter.RX_BYTES, n - NetHeader.BYTES);
        counters.add(NetCounter.RX_BUFFERS, used);
    }

    /** Gives back the buffers a dropped frame had taken, with nothing in them. */
    private void returnUnused(int used) {
        for (int i = 0; i < used; i++) {
            lengths[i] = 0;
        }
        queue.addUsed(heads, lengths, used);
    }

    /**
     * Waits for the driver to offer buffers, until {@code deadline} ({@link System#nanoTime()}); the interrupt for
     * what was delivered so far goes first, so a driver that refills only on it does refill.
     *
     * @return whether buffers were offered (false: the wait ran out, or the receiver is stopping)
     */
    private boolean awaitBuffers(long deadline) throws InterruptedException {
        signal();
        synchronized (offered) {
            while (!buffersArrived && !stopping) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                offered.wait(Math.max(1, left / 1_000_000));
            }
            boolean arrived = buffersArrived && !stopping;
            buffersArrived = false;
            return arrived;
        }
    }

    private void signal() {
        if (queue.needsNotification()) {
            interrupt.queue(queue.index());
        }
    }
}
