package dev.vmboot.machine.internal;

import java.util.ArrayList;
import java.util.List;

import dev.vmboot.kvm.CpuidEntry;

/**
 * What the guest's CPUID says, derived from KVM_GET_SUPPORTED_CPUID the way cloud-hypervisor
 * ({@code arch/src/x86_64/mod.rs}) and gokvm ({@code kvm/cpuid.go}, {@code machine.go}) do it.
 */
final class CpuidPolicy {
    /** Leaf 1 ECX bit 31: "running under a hypervisor" (reserved for that use, SDM 2A CPUID). */
    static final int LEAF1_ECX_HYPERVISOR = 1 << 31;
    /** Leaf 1 ECX bit 24: the local APIC timer has TSC-deadline mode (SDM 3A 11.5.4.1). */
    static final int LEAF1_ECX_TSC_DEADLINE = 1 << 24;
    /** Leaf 6 ECX bit 3: energy-performance bias (IA32_ENERGY_PERF_BIAS MSR). */
    static final int LEAF6_ECX_EPB = 1 << 3;
    /** Leaf 7.0 EDX bit 4: fast short REP MOVSB. */
    static final int LEAF7_EDX_FSRM = 1 << 4;

    /** Leaf 0 vendor strings (EBX, EDX, ECX) of the CPUs whose KVM runs guests with SVM: AMD and Hygon. */
    private static final List<String> SVM_VENDORS = List.of("AuthenticAMD", "HygonGenuine");

    private CpuidPolicy() {
    }

    /** The host CPU vendor string from leaf 0 of KVM's supported CPUID, or "" if the leaf is missing. */
    static String vendor(List<CpuidEntry> supported) {
        for (CpuidEntry e : supported) {
            if (e.function() == 0) {
                byte[] b = new byte[12];
                int[] words = {e.ebx(), e.edx(), e.ecx()};
                for (int i = 0; i < 12; i++) {
                    b[i] = (byte) (words[i / 4] >>> (8 * (i % 4)));
                }
                return new String(b, java.nio.charset.StandardCharsets.US_ASCII);
            }
        }
        return "";
    }

    /**
     * Whether KVM runs guests with AMD SVM here. Its SHUTDOWN intercept re-initialises the vCPU (INIT) before
     * KVM_EXIT_SHUTDOWN reaches user space (arch/x86/kvm/svm/svm.c, shutdown_interception: the VMCB is undefined
     * after a shutdown), so the registers read after a triple fault are not where the guest faulted.
     */
    static boolean registersResetOnShutdown(List<CpuidEntry> supported) {
        return SVM_VENDORS.contains(vendor(supported));
    }

    /**
     * The entries for vCPU {@code apicId}. {@code tscDeadline}: KVM's in-kernel local APIC emulates TSC-deadline mode
     * (KVM_CAP_TSC_DEADLINE_TIMER), which KVM_GET_SUPPORTED_CPUID leaves out because it depends on the VMM's irqchip
     * (api.rst); QEMU and cloud-hypervisor then set the bit. Without it Linux calibrates the APIC timer and programs
     * it in one-shot count-down mode.
     */
    static List<CpuidEntry> forVcpu(List<CpuidEntry> supported, int apicId, boolean tscDeadline) {
        List<CpuidEntry> out = new ArrayList<>(supported.size());
        for (CpuidEntry e : supported) {
            switch (e.function()) {
            case 0x1:
                // Initial APIC ID in EBX[31:24] must match the vCPU's LAPIC ID or SMP bring-up and ACPI MADT
                // disagree; and tell the guest it runs under a hypervisor (cloud-hypervisor sets both).
                e = e.withEbx((e.ebx() & 0x00FF_FFFF) | (apicId << 24)).withEcx(e.ecx() | LEAF1_ECX_HYPERVISOR
                        | (tscDeadline ? LEAF1_ECX_TSC_DEADLINE : 0));
                break;
            case 0x6:
                // KVM does not virtualise IA32_ENERGY_PERF_BIAS; a guest that sees EPB and writes the MSR takes
                // a #GP. cloud-hypervisor clears the bit for that reason.
                e = e.withEcx(e.ecx() & ~LEAF6_ECX_EPB);
                break;
            case 0x7:
                if (e.index() == 0) {
                    // gokvm issue #56: FSRM advertised by KVM on some hosts made guests' REP MOVSB paths end in an
                    // "unexpected kvm exit reason 8" (shutdown); gokvm clears it, and so do we.
                    e = e.withEdx(e.edx() & ~LEAF7_EDX_FSRM);
                }
                break;
            case 0xA:
                // Architectural performance monitoring: no virtual PMU is set up, so report none (gokvm zeroes the
                // leaf; cloud-hypervisor hides the PMU unless asked) instead of counters that do not count.
                e = new CpuidEntry(e.function(), e.index(), e.flags(), 0, 0, 0, 0);
                break;
            case 0xB:
            case 0x1F:
                // Extended topology: EDX is the x2APIC ID of this logical processor.
                e = e.withEdx(apicId);
                break;
            default:
                break;
            }
            out.add(e);
        }
        return out;
    }
}
