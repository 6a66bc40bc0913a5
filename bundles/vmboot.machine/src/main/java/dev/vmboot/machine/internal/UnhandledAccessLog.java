package dev.vmboot.machine.internal;

import org.slf4j.Logger;

import dev.vmboot.api.device.GuestLogLimiter;

/**
 * Logs a guest access nobody handles once per address, and stops after {@value #LIMIT} addresses so a guest probing
 * the whole address space cannot grow the set without bound; the lines go through the machine's
 * {@link GuestLogLimiter}, which the buses' other guest-caused lines share.
 * <p>
 * It sits on the vCPU loop's path (a guest may hammer a port nobody owns), so it allocates nothing per access: the
 * addresses seen live in a fixed open-addressing table of primitive longs, at most half full.
 */
final class UnhandledAccessLog {
    static final int LIMIT = 256;
    private static final int TABLE_SIZE = 2 * LIMIT;
    /** Marks a free slot; no port or guest physical address is all ones. */
    private static final long FREE = -1L;

    private final Logger log;
    private final String space;
    private final GuestLogLimiter guestLog;
    // Guarded by this.
    private final long[] table = new long[TABLE_SIZE];
    private int count;
    private volatile boolean full;

    UnhandledAccessLog(Logger log, String space, GuestLogLimiter guestLog) {
        this.log = log;
        this.space = space;
        this.guestLog = guestLog;
        java.util.Arrays.fill(table, FREE);
    }

    void record(long address, int size, boolean write, long value) {
        if (full || !firstTime(address)) {
            return;
        }
        if (write) {
            guestLog.debug(log, "{}: unhandled {}-byte write of 0x{} at 0x{} (ignored)", space, size,
                    Long.toHexString(value), Long.toHexString(address));
        } else {
            guestLog.debug(log, "{}: unhandled {}-byte read at 0x{} (all ones)", space, size,
                    Long.toHexString(address));
        }
    }

    /** Whether {@code address} is new (and there is room to remember it): log details only then. */
    boolean firstTime(long address) {
        if (full) {
            return false;
        }
        synchronized (this) {
            int i = slot(address);
            while (table[i] != FREE) {
                if (table[i] == address) {
                    return false;
                }
                i = (i + 1) & (TABLE_SIZE - 1);
            }
            if (count >= LIMIT) {
                full = true;
                guestLog.info(log, "{}: {} different unhandled addresses; not logging more", space, LIMIT);
                return false;
            }
            table[i] = address;
            count++;
            return true;
        }
    }

    private static int slot(long address) {
        long h = address * 0x9E37_79B9_7F4A_7C15L; // Fibonacci hashing: spreads page-aligned MMIO addresses
        return (int) (h >>> (64 - Integer.numberOfTrailingZeros(TABLE_SIZE)));
    }

    synchronized int addressesSeen() {
        return count;
    }
}
