package dev.vmboot.virtio.console.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.vmboot.api.virtio.VirtioActivation;
import dev.vmboot.api.virtio.VirtioDevice;
import dev.vmboot.api.virtio.VirtioFeatures;
import dev.vmboot.api.virtio.Virtqueue;
import dev.vmboot.api.virtio.VirtqueueBrokenException;
import dev.vmboot.api.vm.Console;
import dev.vmboot.virtio.ActivationThread;
import dev.vmboot.virtio.DeviceCounters;

/**
 * A virtio console device (virtio 1.2, 5.3) with one port, port 0, which Linux names {@code hvc0}: what the guest
 * writes goes to the machine's console, the keys typed there come to the guest.
 * <p>
 * Offered: VIRTIO_CONSOLE_F_SIZE when the terminal's size was given, with a configuration change notification at
 * activation so that the driver reads it. Not offered: F_MULTIPORT, since the device has one
 * thing to connect a port to, the console, and multiport would add the control queues' protocol (port discovery,
 * open/close events, names) for nothing to attach; F_EMERG_WRITE, since a write to a configuration register would put
 * guest output on the vCPU thread, unpaced.
 * <p>
 * Queues (5.3.2, without multiport): 0 receiveq (keys to the guest), served by a thread of the device's own
 * ({@code vmboot-virtio-console-rx}), which polls the console's input; 1 transmitq, served on its worker in
 * {@link #queueNotified}. Threads, as {@code dev.vmboot.api.virtio} lays them down: {@link #activate} starts the
 * receive thread, {@link #reset} stops and joins it, and takes the lock {@code queueNotified} holds.
 */
public final class VirtioConsole implements VirtioDevice {
    private static final Logger LOG = LoggerFactory.getLogger(VirtioConsole.class);

    /** virtio 1.2, 5.3.1: the console's device ID. */
    static final int DEVICE_TYPE = 3;
    /** Queue indices of port 0 (5.3.2). */
    static final int RECEIVEQ = 0;
    static final int TRANSMITQ = 1;
    static final int QUEUE_MAX_SIZE = 128;
    // virtio 1.2, 5.3.3 "Feature bits"
    static final int F_SIZE = 0;
    /** struct virtio_console_config (5.3.4): cols, rows (le16), max_nr_ports, emerg_wr (le32). */
    static final int CONFIG_BYTES = 12;
    /** Console input polling, as the serial port's: every 10 ms while keys come, backing off to 50 ms. */
    static final long POLL_MIN_MILLIS = 10;
    static final long POLL_MAX_MILLIS = 50;
    private static final long JOIN_MILLIS = TimeUnit.SECONDS.toMillis(30);

    private final ConsoleOptions options;
    private final Console console;
    private final String threadName;
    private final DeviceCounters<ConsoleCounter> counters = new DeviceCounters<>(ConsoleCounter.class);
    private final Object serving = new Object();
    private ConsoleTransmitter transmitter; // guarded by serving
    private ReceiveThread receiving; // guarded by serving
    private boolean closed; // guarded by serving

    VirtioConsole(ConsoleOptions options, Console console, String threadName) {
        this.options = options;
        this.console = console;
        this.threadName = threadName;
        LOG.info("virtio-console: port 0 on the console{}", options.size().map(s -> ", " + s.cols() + "x"
                + s.rows()).orElse(", size unknown"));
    }

    @Override
    public int deviceType() {
        return DEVICE_TYPE;
    }

    @Override
    public int[] queueMaxSizes() {
        return new int[] { QUEUE_MAX_SIZE, QUEUE_MAX_SIZE };
    }

    @Override
    public long deviceFeatures() {
        return options.size().isPresent() ? VirtioFeatures.bit(F_SIZE) : 0;
    }

    /** cols and rows when known, max_nr_ports 1 (read only with F_MULTIPORT), emerg_wr 0. */
    @Override
    public byte[] configSpace() {
        ByteBuffer b = ByteBuffer.allocate(CONFIG_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        options.size().ifPresent(s -> b.putShort(0, (short) s.cols()).putShort(2, (short) s.rows()));
        b.putInt(4, 1);
        return b.array();
    }

    @Override
    public void activate(VirtioActivation activation) throws IOException {
        synchronized (serving) {
            if (closed) {
                throw new IOException("virtio-console is closed");
            }
            Virtqueue tx = activation.queue(TRANSMITQ);
            transmitter = tx == null ? null
                    : new ConsoleTransmitter(tx, activation.interrupt(), console.output(), counters);
            Virtqueue rx = activation.queue(RECEIVEQ);
            if (rx != null && receiving == null) {
                receiving = new ReceiveThread(new ConsoleReceiver(rx, activation.interrupt(), counters), activation);
                receiving.start();
            }
        }
        if (options.size().isPresent()) {
            // Linux's virtio_console reads a single-port device's cols and rows only when the configuration changes
            // (its config_work_handler), never at probe: one change notification (virtio 1.2, 4.1.4.5) tells it.
            activation.interrupt().config();
        }
    }

    @Override
    public boolean queueNotified(int index) throws VirtqueueBrokenException {
        synchronized (serving) {
            if (index == RECEIVEQ && receiving != null) {
                receiving.wake();
                return false;
            }
            return index == TRANSMITQ && transmitter != null && transmitter.drain();
        }
    }

    @Override
    public void reset() {
        ReceiveThread r;
        synchronized (serving) {
            transmitter = null;
            r = receiving;
            receiving = null;
        }
        if (r != null) {
            r.stop();
        }
    }

    @Override
    public Map<String, Long> counters() {
        return counters.toMap();
    }

    DeviceCounters<ConsoleCounter> consoleCounters() {
        return counters;
    }

    @Override
    public void close() {
        reset();
        synchronized (serving) {
            closed = true;
        }
    }

    @Override
    public String toString() {
        return "virtio-console (port 0 on the console)";
    }

    /** The receive thread of one activation: keys from the console's input into the receive queue. */
    private final class ReceiveThread extends ActivationThread {
        private final ConsoleReceiver receiver;
        private final VirtioActivation activation;

        ReceiveThread(ConsoleReceiver receiver, VirtioActivation activation) {
            super(threadName);
            this.receiver = receiver;
            this.activation = activation;
        }

        void stop() {
            if (!stop(JOIN_MILLIS)) {
                LOG.warn("virtio-console: its receive thread did not end within {} ms", JOIN_MILLIS);
            }
        }

        @Override
        protected void run() {
            InputStream input = console.input();
            long idle = POLL_MIN_MILLIS;
            try {
                while (!stopping()) {
                    if (!receiver.hasPending()) {
                        int n = receiver.takeKeys(input);
                        if (n < 0) {
                            LOG.debug("virtio-console: the console's input ended");
                            pause(Long.MAX_VALUE, false);
                            return;
                        }
                        if (n == 0) {
                            // back off while nobody types, so an idle console costs next to nothing
                            pause(idle, false);
                            idle = Math.min(idle * 2, POLL_MAX_MILLIS);
                            continue;
                        }
                        idle = POLL_MIN_MILLIS;
                    }
                    if (!receiver.deliver()) {
                        pause(POLL_MAX_MILLIS, true); // until the driver adds a receive buffer
                    }
                }
            } catch (VirtqueueBrokenException e) {
                activation.interrupt().needsReset();
                LOG.debug("virtio-console: receive queue broken: {}", e.getMessage());
            } catch (IOException e) {
                LOG.debug("virtio-console: the console's input failed: {}", e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Waits {@code millis}, or until stopped; or until notified, if {@code untilNotified}. */
        private synchronized void pause(long millis, boolean untilNotified) throws InterruptedException {
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.min(millis, Long.MAX_VALUE / 2_000_000));
            while (!stopping() && !(untilNotified && notified())) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            clearNotified();
        }
    }
}
