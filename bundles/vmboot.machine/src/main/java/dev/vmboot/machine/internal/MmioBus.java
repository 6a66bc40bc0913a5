package dev.vmboot.machine.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.vmboot.api.device.GuestLogLimiter;
import dev.vmboot.api.device.MmioDevice;

/**
 * Guest physical addresses that exit to the VMM (no RAM slot, or a read-only slot being written). Same rules as
 * {@link PortIoBus}: non-overlapping ranges, dispatch by the access's first byte, unowned reads are all ones, and
 * what the guest causes is logged through the machine's {@link GuestLogLimiter}.
 */
final class MmioBus {
    private static final Logger LOG = LoggerFactory.getLogger(MmioBus.class);

    private record Range(String name, long base, long length, MmioDevice device) {
        long end() {
            return base + length;
        }
    }

    private volatile Range[] ranges = new Range[0];
    private final GuestLogLimiter guestLog;
    private final UnhandledAccessLog unhandled;
    private final UnhandledAccessLog failures;
    private volatile boolean failureTraced;

    MmioBus(GuestLogLimiter guestLog) {
        this.guestLog = Objects.requireNonNull(guestLog, "guestLog");
        this.unhandled = new UnhandledAccessLog(LOG, "MMIO", guestLog);
        this.failures = new UnhandledAccessLog(LOG, "MMIO device failure", guestLog);
    }

    synchronized void register(String name, long base, long length, MmioDevice device) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(device, "device");
        if (base < 0 || length <= 0 || base + length < base) {
            throw new IllegalArgumentException(String.format("%s: bad MMIO range 0x%x+0x%x", name, base, length));
        }
        for (Range r : ranges) {
            if (base < r.end() && r.base < base + length) {
                throw new IllegalArgumentException(String.format("%s at [0x%x, 0x%x) overlaps %s at [0x%x, 0x%x)",
                        name, base, base + length, r.name, r.base, r.end()));
            }
        }
        List<Range> list = new ArrayList<>(List.of(ranges));
        list.add(new Range(name, base, length, device));
        list.sort(Comparator.comparingLong(Range::base));
        ranges = list.toArray(new Range[0]);
    }

    /**
     * Removes the range at {@code base} if {@code owner} registered it: a device can only take away its own range,
     * whatever the guest did to the addresses meanwhile.
     */
    synchronized boolean unregister(long base, MmioDevice owner) {
        List<Range> list = new ArrayList<>(List.of(ranges));
        boolean removed = list.removeIf(r -> r.base == base && r.device == owner);
        ranges = list.toArray(new Range[0]);
        return removed;
    }

    private Range find(long address) {
        Range[] r = ranges;
        int lo = 0;
        int hi = r.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (r[mid].base <= address) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return hi >= 0 && address < r[hi].end() ? r[hi] : null;
    }

    private static long mask(int size) {
        return size >= 8 ? -1L : (1L << (8 * size)) - 1;
    }

    long read(long address, int size) {
        Range r = find(address);
        if (r == null) {
            unhandled.record(address, size, false, 0);
            return mask(size);
        }
        try {
            return r.device.read(address - r.base, size) & mask(size);
        } catch (RuntimeException e) {
            failed(r, address, e);
            return mask(size);
        }
    }

    void write(long address, int size, long value) {
        Range r = find(address);
        if (r == null) {
            unhandled.record(address, size, true, value & mask(size));
            return;
        }
        try {
            r.device.write(address - r.base, size, value & mask(size));
        } catch (RuntimeException e) {
            failed(r, address, e);
        }
    }

    private void failed(Range r, long address, RuntimeException e) {
        if (!failures.firstTime(address)) {
            return;
        }
        if (!failureTraced && guestLog.admit()) {
            failureTraced = true;
            LOG.warn("MMIO 0x{} ({}): device failed; the access is ignored", Long.toHexString(address), r.name, e);
        } else {
            guestLog.warn(LOG, "MMIO 0x{} ({}): device failed; the access is ignored: {}", Long.toHexString(address),
                    r.name, e.toString());
        }
    }
}
