package dev.vmboot.api.vm;

/**
 * How a virtual machine ended.
 *
 * @param state  the final state
 * @param detail a person-readable explanation (e.g. the register dump of a triple fault)
 */
public record VmExit(VmState state, String detail) {
    /** 0 for a clean power-off, otherwise non-zero, for a shell's exit status. */
    public int exitStatus() {
        return state == VmState.POWERED_OFF || state == VmState.STOPPED ? 0 : 1;
    }
}
