package dev.vmboot.machine.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** ConfigAdmin configuration of the {@code kvm} hypervisor, PID {@value #PID} ({@code etc/dev.vmboot.machine.kvm.cfg}). */
@ObjectClassDefinition(id = HypervisorConfiguration.PID, name = "vmboot KVM hypervisor",
        description = "What a virtual machine may take from this host.")
public @interface HypervisorConfiguration {
    String PID = "dev.vmboot.machine.kvm";

    /**
     * 256 MiB: the VMM's own memory beyond guest RAM measured 80 MiB with a virtio disk (README, bench/disk.sh (c)),
     * three times that is left for it and the host's page cache.
     */
    long DEFAULT_MEMORY_HEADROOM = 256L << 20;

    @AttributeDefinition(name = "Memory headroom", description = "Bytes of the host's available memory"
            + " (MemAvailable) that a virtual machine's guest memory leaves to the host and the VMM.")
    long memoryHeadroom() default DEFAULT_MEMORY_HEADROOM;
}
