package dev.vmboot.machine.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;

/**
 * Logs a guest access nobody handles once per address, and stops after {@value #LIMIT} addresses so a guest probing
 * the whole address space cannot flood the log or grow the set without bound.
 */
final class UnhandledAccessLog {
    static final int LIMIT = 256;

    private final Logger log;
    private final String space;
    private final Set<Long> seen = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean full = new AtomicBoolean();

    UnhandledAccessLog(Logger log, String space) {
        this.log = log;
        this.space = space;
    }

    void record(long address, int size, boolean write, long value) {
        if (full.get()) {
            return;
        }
        if (seen.size() >= LIMIT) {
            if (full.compareAndSet(false, true)) {
                log.info("{}: {} different unhandled addresses; not logging more", space, LIMIT);
            }
            return;
        }
        if (seen.add(address)) {
            if (write) {
                log.debug("{}: unhandled {}-byte write of 0x{} at 0x{} (ignored)", space, size,
                        Long.toHexString(value), Long.toHexString(address));
            } else {
                log.debug("{}: unhandled {}-byte read at 0x{} (all ones)", space, size, Long.toHexString(address));
            }
        }
    }

    /** Whether {@code address} is new (and there is room to remember it): log details only then. */
    boolean firstTime(long address) {
        return !full.get() && seen.size() < LIMIT && seen.add(address);
    }

    int addressesSeen() {
        return seen.size();
    }
}
