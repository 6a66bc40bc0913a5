package dev.vmboot.api.vm;

import java.io.IOException;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/** Creates virtual machines (the KVM bundle provides it), registered with the property {@value #NAME_PROPERTY}. */
@ProviderType
public interface Hypervisor {
    /** The service property holding {@link #name()}. */
    String NAME_PROPERTY = "vmboot.hypervisor";

    /** {@code kvm}; the same as the {@value #NAME_PROPERTY} service property. */
    String name();

    /** Why virtual machines cannot be created here (no /dev/kvm, no permission, API too old); empty when they can. */
    Optional<String> unavailableReason();

    /**
     * Creates a machine with the given shape; serial console output goes to {@code console}.
     *
     * @throws IOException with {@link #unavailableReason()} when the hypervisor is not usable
     */
    VirtualMachine create(MachineSpec spec, Console console) throws IOException;
}
