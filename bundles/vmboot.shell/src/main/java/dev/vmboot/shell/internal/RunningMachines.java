package dev.vmboot.shell.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The boot sessions (virtual machines) started from this shell, numbered from 1, for {@code vmboot:list} and
 * {@code vmboot:stop}. A session keeps its number across reboots.
 */
final class RunningMachines {
    private final AtomicInteger nextId = new AtomicInteger(1);
    private final Map<Integer, BootSession> machines = new ConcurrentSkipListMap<>();

    int add(BootSession session) {
        int id = nextId.getAndIncrement();
        machines.put(id, session);
        return id;
    }

    void remove(int id) {
        machines.remove(id);
    }

    Optional<BootSession> get(int id) {
        return Optional.ofNullable(machines.get(id));
    }

    List<Map.Entry<Integer, BootSession>> all() {
        return new ArrayList<>(machines.entrySet());
    }

    /** Closes every machine (component deactivation). */
    void closeAll() {
        for (BootSession session : machines.values()) {
            session.close();
        }
        machines.clear();
    }
}
