package dev.vmboot.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

class HardwareVirtualizationTest {
    /** This project's development machine: an AMD EPYC under a hypervisor, /dev/kvm from kvm_pvm (abridged). */
    private static final String PVM_HOST_CPUINFO = """
            processor\t: 0
            vendor_id\t: AuthenticAMD
            model name\t: AMD EPYC
            flags\t\t: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat lm constant_tsc nopl \
            cpuid pni ssse3 fma cx16 x2apic movbe popcnt tsc_deadline_timer aes xsave avx hypervisor lahf_lm \
            cmp_legacy cr8_legacy abm sse4a vmmcall fsgsbase avx2 smep
            bugs\t\t: sysret_ss_attrs

            processor\t: 1
            vendor_id\t: AuthenticAMD
            flags\t\t: fpu vme de pse tsc msr pae lm hypervisor vmmcall
            """;
    /** The nested lab's L1: QEMU -cpu max emulates AMD-V. */
    private static final String SVM_CPUINFO = """
            processor\t: 0
            vendor_id\t: AuthenticAMD
            flags\t\t: fpu vme de pse tsc msr pae lm svm hypervisor npt nrip_save
            """;
    private static final String VMX_CPUINFO = """
            processor\t: 0
            vendor_id\t: GenuineIntel
            flags\t\t: fpu vme de pse tsc msr pae vmx smx est tm2 ssse3
            vmx flags\t: vnmi preemption_timer invvpid ept_x_only ept_ad flexpriority tsc_offset vtpr mtf vapic ept
            """;
    private static final String PVM_MODULES = """
            kvm_pvm 73728 0 - Live 0x0000000000000000
            kvm 1232896 1 kvm_pvm, Live 0x0000000000000000
            """;

    @Test
    void pvmWithoutVmxOrSvmIsExplainedInOneSentence() {
        Optional<String> reason = HardwareVirtualization.missingReason(PVM_HOST_CPUINFO,
                HardwareVirtualization.modules(PVM_MODULES));
        assertEquals(Optional.of("/dev/kvm here is PVM's (module kvm_pvm), a paravirtualised KVM that runs only "
                + "guests built for it, and this CPU has no VT-x/AMD-V (neither vmx nor svm in /proc/cpuinfo), so "
                + "vmboot cannot run firmware or kernels on it: use a host with hardware virtualisation or the nested "
                + "lab (platforms/qemu/lab)"), reason);
    }

    @Test
    void withoutVmxOrSvmAndWithoutPvmTheCpuIsNamed() {
        Optional<String> reason = HardwareVirtualization.missingReason(PVM_HOST_CPUINFO, Set.of("kvm"));
        assertTrue(reason.orElseThrow().startsWith("this CPU has no VT-x/AMD-V (neither vmx nor svm in "
                + "/proc/cpuinfo)"), reason.get());
    }

    @Test
    void vmxOrSvmMakeKvmUsable() {
        assertEquals(Optional.empty(), HardwareVirtualization.missingReason(SVM_CPUINFO, Set.of("kvm", "kvm_amd")));
        assertEquals(Optional.empty(), HardwareVirtualization.missingReason(VMX_CPUINFO, Set.of("kvm_intel")));
    }

    @Test
    void aFlagMustBeAWholeWordOfAFlagsLine() {
        String lookalikes = """
                model name\t: svm vmx
                flags\t\t: fpu svmx avx512vmxx vmx_ept
                """;
        assertTrue(HardwareVirtualization.missingReason(lookalikes, Set.of()).isPresent());
    }

    @Test
    void noFlagsToReadTellsNothing() {
        assertEquals(Optional.empty(), HardwareVirtualization.missingReason("", Set.of(HardwareVirtualization
                .PVM_MODULE)));
        assertEquals(Optional.empty(), HardwareVirtualization.missingReason("processor\t: 0\nFeatures\t: fp asimd\n",
                Set.of()));
    }

    @Test
    void moduleNamesAreTheFirstWordOfEachLine() {
        assertEquals(Set.of("kvm_pvm", "kvm"), HardwareVirtualization.modules(PVM_MODULES));
        assertEquals(Set.of(), HardwareVirtualization.modules(""));
    }

    /** Where /dev/kvm opens but the CPU cannot run unmodified guests (this project's PVM machines), KVM says so. */
    @Test
    void kvmIsUnavailableWhereTheCpuCannotRunUnmodifiedGuests() {
        Optional<String> host = HardwareVirtualization.ofThisHost();
        assumeTrue(host.isPresent(), "this CPU has VT-x or AMD-V");
        assumeTrue(Files.isReadable(Path.of(Kvm.DEVICE)) && Files.isWritable(Path.of(Kvm.DEVICE)),
                "no usable /dev/kvm node here: the open failure is the reason");
        assertEquals(host, Kvm.unavailableReason());
    }
}
