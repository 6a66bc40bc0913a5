package dev.vmboot.machine.internal;

import java.io.IOException;
import java.util.Optional;

import org.osgi.service.component.annotations.Component;

import dev.vmboot.api.vm.Console;
import dev.vmboot.api.vm.Hypervisor;
import dev.vmboot.api.vm.MachineSpec;
import dev.vmboot.api.vm.VirtualMachine;
import dev.vmboot.kvm.Kvm;

/** The {@code kvm} hypervisor: virtual machines on {@code /dev/kvm}. */
@Component(name = KvmHypervisor.NAME, service = Hypervisor.class, property = Hypervisor.NAME_PROPERTY + "="
        + KvmHypervisor.NAME)
public final class KvmHypervisor implements Hypervisor {
    /** Its name, its service property and its component name. */
    static final String NAME = "kvm";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<String> unavailableReason() {
        return Kvm.unavailableReason();
    }

    @Override
    public VirtualMachine create(MachineSpec spec, Console console) throws IOException {
        try (Kvm kvm = Kvm.open()) {
            return new KvmVirtualMachine(kvm, spec, console);
        }
    }
}
