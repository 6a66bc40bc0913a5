package dev.vmboot.virtio.net.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A tap in memory: frames the test {@link #inject}s are read by the device; frames the device writes are kept in
 * order ({@link #written}). It can refuse offloads, and records the ones set. Thread-safe (one lock).
 */
final class MemoryTap implements TapDevice {
    private final ArrayDeque<byte[]> toGuest = new ArrayDeque<>();
    private final List<byte[]> written = new ArrayList<>();
    private final List<Integer> offloads = new ArrayList<>();
    private final boolean takesOffloads;
    private boolean wake;
    private volatile boolean closed;

    MemoryTap(boolean takesOffloads) {
        this.takesOffloads = takesOffloads;
    }

    /** A frame (header included) for the device to read. */
    synchronized void inject(byte[] packet) {
        toGuest.add(packet);
        notifyAll();
    }

    /** Frames not read yet. */
    synchronized int waiting() {
        return toGuest.size();
    }

    synchronized List<byte[]> written() {
        return List.copyOf(written);
    }

    synchronized List<Integer> offloads() {
        return List.copyOf(offloads);
    }

    boolean closed() {
        return closed;
    }

    @Override
    public String name() {
        return "memtap0";
    }

    @Override
    public synchronized int read(ByteBuffer dst) throws FrameTooLargeException {
        byte[] p = toGuest.poll();
        if (p == null) {
            return 0;
        }
        notifyAll();
        if (p.length > dst.remaining()) {
            throw new FrameTooLargeException(p.length + " bytes");
        }
        dst.put(p);
        return p.length;
    }

    @Override
    public synchronized long write(ByteBuffer[] pieces) {
        int total = 0;
        for (ByteBuffer b : pieces) {
            total += b.remaining();
        }
        ByteBuffer all = ByteBuffer.allocate(total);
        for (ByteBuffer b : pieces) {
            all.put(b.duplicate());
        }
        written.add(all.array());
        notifyAll();
        return total;
    }

    /** Waits until {@code count} frames have been written, at most {@code millis}. */
    synchronized boolean awaitWritten(int count, long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (written.size() < count) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    /** Waits until the device has read every injected frame, at most {@code millis}. */
    synchronized boolean awaitDrained(long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (!toGuest.isEmpty()) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    @Override
    public synchronized boolean awaitReadable(int timeoutMillis) {
        long deadline = System.currentTimeMillis() + (timeoutMillis < 0 ? Long.MAX_VALUE / 2 : timeoutMillis);
        try {
            while (toGuest.isEmpty() && !wake) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    return false;
                }
                wait(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        wake = false;
        notifyAll();
        return !toGuest.isEmpty();
    }

    @Override
    public synchronized void wakeUp() {
        wake = true;
        notifyAll();
    }

    @Override
    public synchronized void setOffload(int tunFlags) throws IOException {
        if (!takesOffloads) {
            throw new IOException("memtap0: no offloads");
        }
        offloads.add(tunFlags);
    }

    @Override
    public void close() {
        closed = true;
    }
}
