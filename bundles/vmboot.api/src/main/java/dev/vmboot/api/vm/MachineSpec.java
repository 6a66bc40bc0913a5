package dev.vmboot.api.vm;

import java.util.List;

/**
 * The shape of a virtual machine.
 *
 * @param name        for logs and {@code vmboot:list}
 * @param memoryBytes guest RAM
 * @param vcpus       number of vCPUs
 * @param personality platform personality
 * @param devices     device plug-ins to attach, in order (virtio-pci functions take PCI slots in this order)
 */
public record MachineSpec(String name, long memoryBytes, int vcpus, Personality personality, List<DeviceSpec> devices) {
    public MachineSpec {
        if (memoryBytes < (16L << 20)) {
            throw new IllegalArgumentException("at least 16 MiB of guest memory is needed, not " + memoryBytes);
        }
        if (vcpus < 1 || vcpus > 255) {
            throw new IllegalArgumentException("vcpus must be 1..255, not " + vcpus);
        }
        devices = List.copyOf(devices);
    }

    /** A machine without device plug-ins. */
    public MachineSpec(String name, long memoryBytes, int vcpus, Personality personality) {
        this(name, memoryBytes, vcpus, personality, List.of());
    }

    public MachineSpec withPersonality(Personality p) {
        return new MachineSpec(name, memoryBytes, vcpus, p, devices);
    }

    public MachineSpec withMemory(long bytes) {
        return new MachineSpec(name, bytes, vcpus, personality, devices);
    }

    public MachineSpec withDevices(List<DeviceSpec> list) {
        return new MachineSpec(name, memoryBytes, vcpus, personality, list);
    }
}
