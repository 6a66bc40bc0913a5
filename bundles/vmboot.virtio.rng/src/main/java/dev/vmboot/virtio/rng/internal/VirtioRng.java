package dev.vmboot.virtio.rng.internal;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.vmboot.api.virtio.VirtioActivation;
import dev.vmboot.api.virtio.VirtioDevice;
import dev.vmboot.api.virtio.Virtqueue;
import dev.vmboot.api.virtio.VirtqueueBrokenException;
import dev.vmboot.virtio.ActivationThread;
import dev.vmboot.virtio.DeviceCounters;

/**
 * A virtio entropy device (virtio 1.2, 5.4): one request queue, no feature bits, no configuration. Its queue is served
 * by a thread of its own ({@code vmboot-virtio-rng-N}), never a vCPU's nor the transport's worker: a request the rate
 * bound defers makes that thread sleep until the bucket holds enough, which a worker shared with notifications could
 * not do without holding them up. {@link #queueNotified} only wakes the thread.
 * <p>
 * Threads, as {@code dev.vmboot.api.virtio} lays them down: {@link #activate} starts the serving thread,
 * {@link #reset} stops and joins it (bounded), so nothing of an activation runs after reset returns.
 */
public final class VirtioRng implements VirtioDevice {
    private static final Logger LOG = LoggerFactory.getLogger(VirtioRng.class);

    /** virtio 1.2, 5.4.1: the entropy device's ID. */
    static final int DEVICE_TYPE = 4;
    /** The request queue's largest size (5.4.2: one queue, requestq). */
    static final int QUEUE_MAX_SIZE = 64;
    /** How long reset waits for the serving thread, which wakes at once when told to stop. */
    private static final long JOIN_MILLIS = TimeUnit.SECONDS.toMillis(30);

    private final RngOptions options;
    private final EntropySource source;
    private final LongSupplier nanoClock;
    private final DeviceCounters<RngCounter> counters = new DeviceCounters<>(RngCounter.class);
    /** One bucket for the device's life: a reset does not refill it. */
    private final TokenBucket bucket;
    private final String threadName;
    private final Object lock = new Object();
    private Serving serving; // guarded by lock
    private boolean closed; // guarded by lock

    VirtioRng(RngOptions options, EntropySource source, LongSupplier nanoClock, String threadName) {
        this.options = options;
        this.source = source;
        this.nanoClock = nanoClock;
        this.bucket = new TokenBucket(options.bytesPerSecond(), options.burstBytes(), nanoClock);
        this.threadName = threadName;
        LOG.info("virtio-rng: at most {} bytes/s, bursts of {} bytes", options.bytesPerSecond(),
                options.burstBytes());
    }

    @Override
    public int deviceType() {
        return DEVICE_TYPE;
    }

    @Override
    public int[] queueMaxSizes() {
        return new int[] { QUEUE_MAX_SIZE };
    }

    /** None: virtio 1.2, 5.4.3 defines no feature bits. */
    @Override
    public long deviceFeatures() {
        return 0;
    }

    /** None: 5.4.4, no device configuration. */
    @Override
    public byte[] configSpace() {
        return new byte[0];
    }

    @Override
    public void activate(VirtioActivation activation) throws IOException {
        synchronized (lock) {
            if (closed) {
                throw new IOException("virtio-rng is closed");
            }
            Virtqueue queue = activation.queue(0);
            if (queue == null || serving != null) {
                return;
            }
            serving = new Serving(new RngServer(queue, activation.interrupt(), bucket, source, counters),
                    activation);
            serving.start();
        }
    }

    @Override
    public boolean queueNotified(int index) {
        Serving s;
        synchronized (lock) {
            s = serving;
        }
        if (s != null && index == 0) {
            s.wake();
        }
        return false;
    }

    @Override
    public void reset() {
        Serving s;
        synchronized (lock) {
            s = serving;
            serving = null;
        }
        if (s != null) {
            s.stop();
        }
    }

    @Override
    public Map<String, Long> counters() {
        return counters.toMap();
    }

    DeviceCounters<RngCounter> rngCounters() {
        return counters;
    }

    @Override
    public void close() {
        reset();
        synchronized (lock) {
            closed = true;
        }
        try {
            source.close(); // the serving thread, its only reader, has ended
        } catch (IOException e) {
            LOG.debug("virtio-rng: closing its source: {}", e.toString());
        }
    }

    @Override
    public String toString() {
        return "virtio-rng (" + options.bytesPerSecond() + " bytes/s)";
    }

    /** The serving thread of one activation and what wakes it. */
    private final class Serving extends ActivationThread {
        private final RngServer server;
        private final VirtioActivation activation;

        Serving(RngServer server, VirtioActivation activation) {
            super(threadName);
            this.server = server;
            this.activation = activation;
        }

        void stop() {
            if (!stop(JOIN_MILLIS)) {
                LOG.warn("virtio-rng: its serving thread did not end within {} ms", JOIN_MILLIS);
            }
        }

        @Override
        protected void run() {
            try {
                long next = server.serve();
                while (awaitTurn(next)) {
                    next = server.serve();
                }
            } catch (VirtqueueBrokenException e) {
                activation.interrupt().needsReset();
                LOG.debug("virtio-rng: queue broken: {}", e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /**
         * Waits for what {@code next} asks: a notification when idle, the bucket's time when a request is held (a
         * notification does not cut that short); false once stopping.
         */
        private synchronized boolean awaitTurn(long next) throws InterruptedException {
            if (next == RngServer.IDLE) {
                while (!notified() && !stopping()) {
                    wait();
                }
            } else if (next > 0) {
                long end = nanoClock.getAsLong() + next;
                for (long left = next; left > 0 && !stopping(); left = end - nanoClock.getAsLong()) {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                }
            }
            clearNotified();
            return !stopping();
        }
    }
}
