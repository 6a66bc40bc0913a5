package dev.vmboot.api.vm;

/**
 * The shape of a virtual machine.
 *
 * @param name        for logs and {@code vmboot:list}
 * @param memoryBytes guest RAM
 * @param vcpus       number of vCPUs
 * @param personality platform personality
 */
public record MachineSpec(String name, long memoryBytes, int vcpus, Personality personality) {
    public MachineSpec {
        if (memoryBytes < (16L << 20)) {
            throw new IllegalArgumentException("at least 16 MiB of guest memory is needed, not " + memoryBytes);
        }
        if (vcpus < 1 || vcpus > 255) {
            throw new IllegalArgumentException("vcpus must be 1..255, not " + vcpus);
        }
    }

    public MachineSpec withPersonality(Personality p) {
        return new MachineSpec(name, memoryBytes, vcpus, p);
    }

    public MachineSpec withMemory(long bytes) {
        return new MachineSpec(name, bytes, vcpus, personality);
    }
}
