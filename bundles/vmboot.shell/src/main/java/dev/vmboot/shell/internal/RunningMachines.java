package dev.vmboot.shell.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;

import dev.vmboot.api.vm.MachineSpec;

/**
 * The virtual machines started from this shell, numbered from 1, for {@code vmboot:list}, {@code vmboot:console} and
 * {@code vmboot:stop}. A machine keeps its number across reboots.
 */
final class RunningMachines {
    private final AtomicInteger nextId = new AtomicInteger(1);
    private final Map<Integer, RunningMachine> machines = new ConcurrentSkipListMap<>();

    /** Numbers a started session, lists it and follows it to its end. */
    RunningMachine add(BootSession session, ConsoleRelay console, String image, String protocol, MachineSpec spec) {
        int id = nextId.getAndIncrement();
        RunningMachine machine = new RunningMachine(id, session, console, image, protocol, spec, System::nanoTime);
        machines.put(id, machine);
        machine.follow();
        return machine;
    }

    void remove(int id) {
        machines.remove(id);
    }

    Optional<RunningMachine> get(int id) {
        return Optional.ofNullable(machines.get(id));
    }

    List<RunningMachine> all() {
        return new ArrayList<>(machines.values());
    }

    /** Closes every machine (component deactivation). */
    void closeAll() {
        for (RunningMachine machine : machines.values()) {
            machine.session().close();
        }
        machines.clear();
    }
}
