package dev.vmboot.machine.internal.virtio;

import java.util.Arrays;
import java.util.Objects;

/**
 * An MSI-X table and pending-bit array (PCI Local Bus Specification 3.0, 6.8.2): {@code vectors} entries of 16 bytes
 * (message address low/high, data, vector control whose bit 0 masks the vector) and one pending bit per vector. A
 * vector triggered while masked, or while the function is masked, sets its pending bit instead, and is sent when it is
 * unmasked (6.8.2.9).
 * <p>
 * Guest accesses (vCPU threads) and triggers (device threads) may come at once; every method holds this table's lock,
 * and that lock is never held while taking another, so a trigger never waits for more than a table update.
 */
final class MsixTable {
    /** PCI 3.0, 6.8.2.6: bytes per table entry. */
    static final int ENTRY_SIZE = 16;
    private static final int ADDRESS_LOW = 0;
    private static final int ADDRESS_HIGH = 4;
    private static final int DATA = 8;
    private static final int VECTOR_CONTROL = 12;
    /** PCI 3.0, 6.8.2.9: Vector Control bit 0, Mask Bit; the other bits are reserved and read as zero. */
    private static final int VECTOR_MASKED = 1;

    private final int vectors;
    private final MsiSink sink;
    private final int[] addressLow;
    private final int[] addressHigh;
    private final int[] data;
    private final boolean[] masked;
    private final long[] pending;
    private boolean enabled;
    private boolean functionMasked;
    private long sent;
    private long deferred;

    MsixTable(int vectors, MsiSink sink) {
        if (vectors < 1 || vectors > 2048) {
            throw new IllegalArgumentException("MSI-X tables have 1 to 2048 entries, not " + vectors);
        }
        this.vectors = vectors;
        this.sink = Objects.requireNonNull(sink, "sink");
        addressLow = new int[vectors];
        addressHigh = new int[vectors];
        data = new int[vectors];
        masked = new boolean[vectors];
        Arrays.fill(masked, true); // 6.8.2.9: every vector is masked after reset
        pending = new long[(vectors + 63) / 64];
    }

    int vectors() {
        return vectors;
    }

    /** Bytes the table takes. */
    int tableSize() {
        return vectors * ENTRY_SIZE;
    }

    /** Bytes the pending-bit array takes: whole quadwords (6.8.2.10). */
    int pbaSize() {
        return pending.length * 8;
    }

    synchronized boolean enabled() {
        return enabled;
    }

    /**
     * The capability's MSI-X Enable and Function Mask bits (6.8.2.3, Message Control bits 15 and 14) changed.
     * Unmasking sends what is pending.
     */
    void control(boolean enable, boolean maskAll) {
        synchronized (this) {
            enabled = enable;
            functionMasked = maskAll;
            if (!deliverable()) {
                return;
            }
        }
        for (int v = 0; v < vectors; v++) {
            sendIfPendingAndUnmasked(v);
        }
    }

    /**
     * Signals {@code vector}. Returns false when MSI-X is disabled (the caller then uses INTx); a vector outside the
     * table is dropped (true: nothing else to do), a masked one is left pending.
     */
    boolean trigger(int vector) {
        long address;
        int message;
        synchronized (this) {
            if (!enabled) {
                return false;
            }
            if (vector < 0 || vector >= vectors) {
                return true;
            }
            if (functionMasked || masked[vector]) {
                pending[vector >>> 6] |= 1L << vector;
                deferred++;
                return true;
            }
            address = (addressHigh[vector] & 0xFFFF_FFFFL) << 32 | (addressLow[vector] & 0xFFFF_FFFFL);
            message = data[vector];
            sent++;
        }
        sink.send(address, message);
        return true;
    }

    /** A guest read of the table, at {@code offset} into it; reads outside it or not 4-byte aligned yield zeros. */
    synchronized long readTable(long offset, int size) {
        if (size == 8 && offset % 8 == 0) {
            return (readTable(offset, 4) & 0xFFFF_FFFFL) | readTable(offset + 4, 4) << 32;
        }
        if (size != 4 || offset % 4 != 0 || offset < 0 || offset >= tableSize()) {
            return 0;
        }
        int v = (int) (offset / ENTRY_SIZE);
        switch ((int) (offset % ENTRY_SIZE)) {
        case ADDRESS_LOW:
            return addressLow[v] & 0xFFFF_FFFFL;
        case ADDRESS_HIGH:
            return addressHigh[v] & 0xFFFF_FFFFL;
        case DATA:
            return data[v] & 0xFFFF_FFFFL;
        default:
            return masked[v] ? VECTOR_MASKED : 0;
        }
    }

    /** A guest write of the table; only aligned dword (and quadword) writes are meaningful (6.8.2). */
    void writeTable(long offset, int size, long value) {
        if (size == 8 && offset % 8 == 0) {
            writeTable(offset, 4, value & 0xFFFF_FFFFL);
            writeTable(offset + 4, 4, value >>> 32);
            return;
        }
        if (size != 4 || offset % 4 != 0 || offset < 0 || offset >= tableSize()) {
            return;
        }
        int v = (int) (offset / ENTRY_SIZE);
        boolean unmasked = false;
        synchronized (this) {
            switch ((int) (offset % ENTRY_SIZE)) {
            case ADDRESS_LOW:
                addressLow[v] = (int) value & ~0x3; // 6.8.2.7: bits 1:0 are zero, DWORD-aligned address
                break;
            case ADDRESS_HIGH:
                addressHigh[v] = (int) value;
                break;
            case DATA:
                data[v] = (int) value;
                break;
            default:
                boolean mask = (value & VECTOR_MASKED) != 0;
                unmasked = masked[v] && !mask;
                masked[v] = mask;
                break;
            }
        }
        if (unmasked) {
            sendIfPendingAndUnmasked(v);
        }
    }

    /** A guest read of the pending-bit array (read-only: writes are ignored, 6.8.2.10). */
    synchronized long readPba(long offset, int size) {
        if (offset < 0 || offset + size > pbaSize() || (size != 4 && size != 8) || offset % size != 0) {
            return 0;
        }
        long word = pending[(int) (offset / 8)];
        return size == 8 ? word : (word >>> (8 * (offset % 8))) & 0xFFFF_FFFFL;
    }

    synchronized boolean isPending(int vector) {
        return vector >= 0 && vector < vectors && (pending[vector >>> 6] & 1L << vector) != 0;
    }

    /** Messages sent and triggers held back by a mask, for the device's counters. */
    synchronized long[] statistics() {
        return new long[] { sent, deferred };
    }

    private boolean deliverable() {
        return enabled && !functionMasked;
    }

    private void sendIfPendingAndUnmasked(int v) {
        long address;
        int message;
        synchronized (this) {
            if (!deliverable() || masked[v] || (pending[v >>> 6] & 1L << v) == 0) {
                return;
            }
            pending[v >>> 6] &= ~(1L << v);
            address = (addressHigh[v] & 0xFFFF_FFFFL) << 32 | (addressLow[v] & 0xFFFF_FFFFL);
            message = data[v];
            sent++;
        }
        sink.send(address, message);
    }
}
