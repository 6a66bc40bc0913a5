package dev.vmboot.api.vm;

import java.io.IOException;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/** Creates virtual machines (the KVM bundle provides it). */
@ProviderType
public interface Hypervisor {

    /** {@code kvm}. */
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
