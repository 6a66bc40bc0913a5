package dev.vmboot.api.vm;

/** Where a virtual machine is in its life. */
public enum VmState {
    CREATED, RUNNING,
    /** The guest powered itself off (ACPI sleep S5). */
    POWERED_OFF,
    /** The guest asked for a reset and the policy was to stop. */
    RESET,
    /** A vCPU hit a triple fault (KVM_EXIT_SHUTDOWN). */
    TRIPLE_FAULT,
    /** The VMM hit an error it cannot continue from (failed entry, internal error). */
    FAILED,
    /** Stopped from outside ({@code vmboot:stop}). */
    STOPPED;

    public boolean isFinal() {
        return this != CREATED && this != RUNNING;
    }
}
