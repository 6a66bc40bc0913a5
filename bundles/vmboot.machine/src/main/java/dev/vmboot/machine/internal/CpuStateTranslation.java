package dev.vmboot.machine.internal;

import dev.vmboot.api.vm.CpuState;
import dev.vmboot.api.vm.Segment;
import dev.vmboot.kvm.KvmRegs;
import dev.vmboot.kvm.KvmSegment;
import dev.vmboot.kvm.KvmSregs;

/** Turns a boot protocol's {@link CpuState} into {@code kvm_regs} and {@code kvm_sregs}. */
final class CpuStateTranslation {
    /** RFLAGS bit 1 is reserved and always 1 (Intel SDM 1, 3.4.3). */
    static final long RFLAGS_RESERVED = 0x2;

    private CpuStateTranslation() {
    }

    static KvmRegs regs(CpuState s) {
        KvmRegs r = new KvmRegs();
        r.rip = s.rip();
        r.rflags = s.rflags() | RFLAGS_RESERVED;
        r.gpr[0] = s.rax();
        r.gpr[KvmRegs.RBX] = s.rbx();
        r.gpr[KvmRegs.RCX] = s.rcx();
        r.gpr[KvmRegs.RDX] = s.rdx();
        r.gpr[KvmRegs.RSI] = s.rsi();
        r.gpr[KvmRegs.RDI] = s.rdi();
        r.gpr[KvmRegs.RSP] = s.rsp();
        return r;
    }

    /**
     * Applies {@code s} to {@code sregs} (read from the vCPU first, so the APIC base and LDT keep KVM's values): CS,
     * the data segments (DS, ES, FS, GS, SS all from {@link CpuState#ds()}), TR if given, GDT, IDT, CR0/3/4, EFER.
     */
    static void applySregs(CpuState s, KvmSregs sregs) {
        segment(s.cs(), sregs.cs);
        for (KvmSegment data : new KvmSegment[] {sregs.ds, sregs.es, sregs.fs, sregs.gs, sregs.ss}) {
            segment(s.ds(), data);
        }
        if (s.tr() != null) {
            segment(s.tr(), sregs.tr);
        }
        sregs.gdtBase = s.gdtBase();
        sregs.gdtLimit = s.gdtLimit();
        sregs.idtBase = s.idtBase();
        sregs.idtLimit = s.idtLimit();
        sregs.cr0 = s.cr0();
        sregs.cr3 = s.cr3();
        sregs.cr4 = s.cr4();
        sregs.efer = s.efer();
    }

    static void segment(Segment from, KvmSegment to) {
        to.base = from.base();
        to.limit = from.limit();
        to.selector = from.selector();
        to.type = from.type();
        to.present = from.present();
        to.dpl = from.dpl();
        to.db = from.db();
        to.s = from.s();
        to.l = from.l();
        to.g = from.g();
        to.avl = false;
        // VMX wants a not-present segment marked unusable (SDM 3C, 26.3.1.2).
        to.unusable = !from.present();
    }
}
