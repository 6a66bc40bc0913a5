package dev.vmboot.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Talks to the real /dev/kvm: run with -Dkvm inside the lab. */
@Tag("kvm")
class KvmDeviceTest {

    @Test
    void freshVcpuSitsAtTheResetVector() throws Exception {
        try (Kvm kvm = Kvm.open(); KvmVm vm = kvm.createVm()) {
            assertTrue(kvm.vcpuMmapSize() >= 4096);
            List<CpuidEntry> cpuid = kvm.supportedCpuid();
            assertFalse(cpuid.isEmpty());
            assertEquals(0, cpuid.get(0).function());
            vm.setTssAddress(0xF800_0000L);
            vm.setIdentityMapAddress(0xF800_3000L);
            vm.createIrqchip();
            vm.createPit2();
            try (KvmVcpu vcpu = vm.createVcpu(0)) {
                vcpu.setCpuid(cpuid);
                KvmRegs regs = new KvmRegs();
                vcpu.getRegs(regs);
                assertEquals(0xFFF0, regs.rip);
                KvmSregs sregs = new KvmSregs();
                vcpu.getSregs(sregs);
                assertEquals(0xFFFF0000L, sregs.cs.base);
                assertEquals(0xF000, sregs.cs.selector);
                assertEquals(KvmVcpu.MP_STATE_RUNNABLE, vcpu.getMpState());
                vcpu.setMsrs(new int[] {0x174}, new long[] {0x10}); // IA32_SYSENTER_CS
                assertEquals(0x10, vcpu.getMsrs(new int[] {0x174})[0]);
                vcpu.setFpu(0x27F, 0x1F80); // double-precision rounding instead of the default 0x37F
                assertEquals(0x27F, vcpu.getFpuControlWord());
                byte[] lapic = vcpu.getLapic();
                vcpu.setLapic(lapic);
            }
        }
    }
}
