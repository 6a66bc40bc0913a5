package dev.vmboot.machine.internal;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import dev.vmboot.api.vm.Console;
import dev.vmboot.api.vm.Hypervisor;
import dev.vmboot.api.vm.MachineSpec;
import dev.vmboot.api.vm.VirtualMachine;
import dev.vmboot.api.virtio.VirtioDevice;
import dev.vmboot.api.virtio.VirtioDeviceFactory;
import dev.vmboot.kvm.Kvm;

/**
 * The {@code kvm} hypervisor: virtual machines on {@code /dev/kvm}, with the virtio devices of the installed device
 * plug-ins (collected as they come and go; a machine takes the ones installed when it is created).
 */
@Component(name = KvmHypervisor.NAME, service = Hypervisor.class, property = Hypervisor.NAME_PROPERTY + "="
        + KvmHypervisor.NAME)
public final class KvmHypervisor implements Hypervisor {
    /** Its name, its service property and its component name. */
    static final String NAME = "kvm";

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private final List<VirtioDeviceFactory> deviceFactories = new CopyOnWriteArrayList<>();

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
            List<VirtioDevice> devices = DeviceFactories.create(spec.devices(), deviceFactories);
            return new KvmVirtualMachine(kvm, spec, console, devices);
        }
    }
}
