package dev.vmboot.machine.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.vmboot.api.device.GuestLogLimiter;
import dev.vmboot.api.device.PortIoDevice;
import dev.vmboot.platform.PortIoRange;

/**
 * The x86 I/O port space (64 Ki ports). Devices own non-overlapping ranges; an access goes to the device whose range
 * holds its first port, with the offset from the range's base. Ports nobody owns read as all ones and ignore writes,
 * as on a PC bus with nothing driving it. Lookups are a binary search over arrays replaced as a whole on change, so
 * the vCPU threads never lock. What the guest causes (unhandled ports, device failures, ranges it moves onto others)
 * is logged through the machine's {@link GuestLogLimiter}; a device failure's stack trace is logged once per bus.
 */
final class PortIoBus {
    private static final Logger LOG = LoggerFactory.getLogger(PortIoBus.class);

    private record Range(String name, int base, int length, PortIoDevice device) {
        int end() {
            return base + length;
        }
    }

    private volatile Range[] ranges = new Range[0];
    private volatile int[] bases = new int[0];
    private final GuestLogLimiter guestLog;
    private final UnhandledAccessLog unhandled;
    private final UnhandledAccessLog failures;
    private volatile boolean failureTraced;

    PortIoBus(GuestLogLimiter guestLog) {
        this.guestLog = Objects.requireNonNull(guestLog, "guestLog");
        this.unhandled = new UnhandledAccessLog(LOG, "port I/O", guestLog);
        this.failures = new UnhandledAccessLog(LOG, "port I/O device failure", guestLog);
    }

    /** @throws IllegalArgumentException if the range is outside the port space or overlaps a registered one */
    synchronized void register(String name, int base, int length, PortIoDevice device) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(device, "device");
        if (base < 0 || length <= 0 || base + length > 0x1_0000) {
            throw new IllegalArgumentException(String.format("%s: ports 0x%x+%d are outside 0..0xffff", name, base,
                    length));
        }
        for (Range r : ranges) {
            if (base < r.end() && r.base < base + length) {
                throw new IllegalArgumentException(String.format("%s at ports 0x%x-0x%x overlaps %s at 0x%x-0x%x",
                        name, base, base + length - 1, r.name, r.base, r.end() - 1));
            }
        }
        List<Range> list = new ArrayList<>(List.of(ranges));
        list.add(new Range(name, base, length, device));
        publish(list);
    }

    /**
     * Removes the range at {@code base} if {@code owner} registered it; returns whether there was one. A device can
     * only take away its own range: a guest that moved the PIIX4 PM block onto the POST port (refused, it overlaps)
     * and then away again must not remove the POST port with it.
     */
    synchronized boolean unregister(int base, PortIoDevice owner) {
        List<Range> list = new ArrayList<>(List.of(ranges));
        boolean removed = list.removeIf(r -> r.base == base && r.device == owner);
        if (removed) {
            publish(list);
        }
        return removed;
    }

    /**
     * A device the guest programs moved its range (the PIIX4 PM block follows PMBA): the old range goes, the new one
     * comes unless it overlaps another device's, which is refused with a line in the guest's budget.
     *
     * @param previous where it was, or null
     * @param current  where the guest put it, or null (no longer decoded)
     */
    void move(PortIoRange previous, PortIoRange current) {
        if (previous != null) {
            unregister(previous.base(), previous.device());
        }
        if (current != null) {
            try {
                register(current.name(), current.base(), current.length(), current.device());
            } catch (IllegalArgumentException e) {
                guestLog.warn(LOG, "the guest moved {} onto other ports: {}", current.name(), e.getMessage());
            }
        }
    }

    private void publish(List<Range> list) {
        list.sort(Comparator.comparingInt(Range::base));
        Range[] r = list.toArray(new Range[0]);
        int[] b = new int[r.length];
        for (int i = 0; i < r.length; i++) {
            b[i] = r[i].base;
        }
        bases = b;
        ranges = r;
    }

    private Range find(int port) {
        Range[] r = ranges;
        int lo = 0;
        int hi = r.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (r[mid].base <= port) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return hi >= 0 && port < r[hi].end() ? r[hi] : null;
    }

    /** A guest IN of {@code size} (1, 2, 4) bytes; unused high bits are cleared. */
    int read(int port, int size) {
        int mask = size >= 4 ? -1 : (1 << (8 * size)) - 1;
        Range r = find(port);
        if (r == null) {
            unhandled.record(port, size, false, 0);
            return mask;
        }
        try {
            return r.device.read(port - r.base, size) & mask;
        } catch (RuntimeException e) {
            failed(r, port, e);
            return mask;
        }
    }

    /** A guest OUT of the low {@code size} bytes of {@code value}. */
    void write(int port, int size, int value) {
        Range r = find(port);
        if (r == null) {
            unhandled.record(port, size, true, value & 0xFFFF_FFFFL);
            return;
        }
        try {
            r.device.write(port - r.base, size, size >= 4 ? value : value & ((1 << (8 * size)) - 1));
        } catch (RuntimeException e) {
            failed(r, port, e);
        }
    }

    private void failed(Range r, int port, RuntimeException e) {
        if (!failures.firstTime(port)) {
            return;
        }
        if (!failureTraced && guestLog.admit()) {
            failureTraced = true;
            LOG.warn("port 0x{} ({}): device failed; the access is ignored", Integer.toHexString(port), r.name, e);
        } else {
            guestLog.warn(LOG, "port 0x{} ({}): device failed; the access is ignored: {}", Integer.toHexString(port),
                    r.name, e.toString());
        }
    }

    /** The registered ranges as "name@0xbase+length", for diagnostics and tests. */
    List<String> describe() {
        List<String> out = new ArrayList<>();
        for (Range r : ranges) {
            out.add(String.format("%s@0x%x+%d", r.name, r.base, r.length));
        }
        return out;
    }
}
