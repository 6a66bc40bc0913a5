package dev.vmboot.shell.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;

import dev.vmboot.api.vm.VirtualMachine;

/** The virtual machines started from this shell, numbered from 1, for {@code vmboot:list} and {@code vmboot:stop}. */
final class RunningMachines {
    private final AtomicInteger nextId = new AtomicInteger(1);
    private final Map<Integer, VirtualMachine> machines = new ConcurrentSkipListMap<>();

    int add(VirtualMachine vm) {
        int id = nextId.getAndIncrement();
        machines.put(id, vm);
        return id;
    }

    void remove(int id) {
        machines.remove(id);
    }

    Optional<VirtualMachine> get(int id) {
        return Optional.ofNullable(machines.get(id));
    }

    List<Map.Entry<Integer, VirtualMachine>> all() {
        return new ArrayList<>(machines.entrySet());
    }

    /** Closes every machine (component deactivation). */
    void closeAll() {
        for (VirtualMachine vm : machines.values()) {
            vm.close();
        }
        machines.clear();
    }
}
