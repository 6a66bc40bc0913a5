package dev.vmboot.api.vm;

import java.util.Map;

/**
 * The state a boot protocol gives the boot vCPU before it first runs. Registers not named here keep KVM's reset
 * values. See {@code struct kvm_regs} / {@code struct kvm_sregs} in {@code linux/kvm.h}.
 *
 * @param rip    instruction pointer
 * @param rflags flags (bit 1 is always set)
 * @param rax    .. {@code rdi}: general registers a protocol passes values in
 * @param cs     code segment; {@code ds} is used for DS, ES, FS, GS and SS
 * @param tr     task register
 * @param gdtBase base of the GDT ({@code gdtLimit} its limit)
 * @param cr0    control registers and EFER
 * @param msrs   model-specific registers to set (index → value)
 */
public record CpuState(long rip, long rflags, long rax, long rbx, long rcx, long rdx, long rsi, long rdi, long rsp,
        Segment cs, Segment ds, Segment tr, long gdtBase, int gdtLimit, long idtBase, int idtLimit, long cr0, long cr3,
        long cr4, long efer, Map<Integer, Long> msrs) {
    public CpuState {
        msrs = Map.copyOf(msrs);
    }
}
