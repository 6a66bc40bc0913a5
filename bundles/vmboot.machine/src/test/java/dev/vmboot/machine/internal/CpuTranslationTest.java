package dev.vmboot.machine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.vmboot.api.vm.CpuState;
import dev.vmboot.api.vm.Segment;
import dev.vmboot.kvm.CpuidEntry;
import dev.vmboot.kvm.KvmRegs;
import dev.vmboot.kvm.KvmSregs;

class CpuTranslationTest {

    /** The PVH entry state (xen/include/public/arch-x86/hvm/start_info.h; cloud-hypervisor's configure_segments). */
    private static final CpuState PVH = new CpuState(0x4F_FFD0L, 0, 0, 0x6000, 0, 0, 0, 0, 0,
            Segment.flat(0x08, 0xB, true, false), Segment.flat(0x10, 0x3, true, false),
            new Segment(0, 0x67, 0x18, 0xB, true, 0, false, false, false, false), 0x500, 31, 0x520, 7, 0x1, 0,
            0, 0, Map.of(0x1A0, 1L));

    @Test
    void generalRegisters() {
        KvmRegs r = CpuStateTranslation.regs(PVH);
        assertEquals(0x4F_FFD0L, r.rip);
        assertEquals(0x2, r.rflags);
        assertEquals(0x6000, r.gpr[KvmRegs.RBX]);
        assertEquals(0, r.gpr[0]);
    }

    @Test
    void segmentsAndControlRegisters() {
        KvmSregs s = new KvmSregs();
        s.apicBase = 0xFEE0_0900L;
        s.ldt.selector = 0x77;
        CpuStateTranslation.applySregs(PVH, s);
        assertEquals(0x08, s.cs.selector);
        assertEquals(0xFFFFFFFF, s.cs.limit);
        assertEquals(0xB, s.cs.type);
        assertTrue(s.cs.db && s.cs.g && s.cs.s && s.cs.present);
        assertFalse(s.cs.l);
        for (var seg : List.of(s.ds, s.es, s.fs, s.gs, s.ss)) {
            assertEquals(0x10, seg.selector);
            assertEquals(0x3, seg.type);
        }
        assertEquals(0x18, s.tr.selector);
        assertFalse(s.tr.s);
        assertEquals(0x67, s.tr.limit);
        assertEquals(0x500, s.gdtBase);
        assertEquals(31, s.gdtLimit);
        assertEquals(0x520, s.idtBase);
        assertEquals(7, s.idtLimit);
        assertEquals(1, s.cr0);
        assertEquals(0xFEE0_0900L, s.apicBase);
        assertEquals(0x77, s.ldt.selector);
    }

    @Test
    void notPresentSegmentsAreUnusable() {
        KvmSregs s = new KvmSregs();
        CpuState st = new CpuState(0, 0, 0, 0, 0, 0, 0, 0, 0, Segment.flat(0x08, 0xB, false, true),
                new Segment(0, 0, 0, 0, false, 0, false, false, false, false), null, 0, 0, 0, 0, 0x8000_0011L,
                0x9000, 0x20, 0x500, Map.of());
        CpuStateTranslation.applySregs(st, s);
        assertTrue(s.ds.unusable);
        assertFalse(s.cs.unusable);
        assertTrue(s.cs.l);
        assertEquals(0x500, s.efer);
        assertEquals(0x9000, s.cr3);
        assertEquals(0x20, s.cr4);
    }

    @Test
    void cpuidGetsApicIdsAndLosesWhatIsNotVirtualised() {
        List<CpuidEntry> supported = List.of(new CpuidEntry(0, 0, 0, 0xD, 1, 2, 3),
                new CpuidEntry(1, 0, 0, 0x806F8, 0xAB00_0800, 0x7FFA_3203, 0x178B_FBFF),
                new CpuidEntry(6, 0, 0, 4, 0, 0x9, 0),
                new CpuidEntry(7, 0, 1, 0, 0x219C_91A9, 0, 0x0000_0010 | 0x1),
                new CpuidEntry(7, 1, 1, 0, 0, 0, 0x10),
                new CpuidEntry(0xA, 0, 0, 0x0704_3004, 0, 0, 0x603),
                new CpuidEntry(0xB, 1, 1, 4, 2, 0x201, 0));
        List<CpuidEntry> out = CpuidPolicy.forVcpu(supported, 3, false);
        assertEquals(supported.get(0), out.get(0));
        assertEquals(0x0300_0800, out.get(1).ebx());
        assertEquals(0xFFFA_3203, out.get(1).ecx());
        assertEquals(0x1, out.get(2).ecx());
        assertEquals(0x1, out.get(3).edx());
        assertEquals(0x10, out.get(4).edx()); // only sub-leaf 0 carries FSRM
        assertEquals(new CpuidEntry(0xA, 0, 0, 0, 0, 0, 0), out.get(5));
        assertEquals(3, out.get(6).edx());
        assertEquals(0x201, out.get(6).ecx());
    }

    @Test
    void tscDeadlineModeIsAdvertisedOnlyWhenKvmEmulatesIt() {
        List<CpuidEntry> supported = List.of(new CpuidEntry(1, 0, 0, 0x806F8, 0, 0x7EFA_3203, 0x178B_FBFF));
        assertEquals(0x7EFA_3203 | CpuidPolicy.LEAF1_ECX_HYPERVISOR,
                CpuidPolicy.forVcpu(supported, 0, false).get(0).ecx());
        assertEquals(0x7EFA_3203 | CpuidPolicy.LEAF1_ECX_HYPERVISOR | 1 << 24,
                CpuidPolicy.forVcpu(supported, 0, true).get(0).ecx());
    }

    @Test
    void svmHostsAreToldApartByTheirVendorString() {
        // Leaf 0: EBX, EDX, ECX spell the vendor, four little-endian bytes each.
        CpuidEntry amd = new CpuidEntry(0, 0, 0, 0x10, 0x6874_7541, 0x444D_4163, 0x6974_6E65);
        CpuidEntry intel = new CpuidEntry(0, 0, 0, 0x1B, 0x756E_6547, 0x6C65_746E, 0x4965_6E69);
        CpuidEntry hygon = new CpuidEntry(0, 0, 0, 0xD, 0x6F67_7948, 0x656E_6975, 0x6E65_476E);
        assertEquals("AuthenticAMD", CpuidPolicy.vendor(List.of(amd)));
        assertEquals("GenuineIntel", CpuidPolicy.vendor(List.of(new CpuidEntry(1, 0, 0, 0, 0, 0, 0), intel)));
        assertEquals("HygonGenuine", CpuidPolicy.vendor(List.of(hygon)));
        assertEquals("", CpuidPolicy.vendor(List.of()));
        assertTrue(CpuidPolicy.registersResetOnShutdown(List.of(amd)));
        assertTrue(CpuidPolicy.registersResetOnShutdown(List.of(hygon)));
        assertFalse(CpuidPolicy.registersResetOnShutdown(List.of(intel)));
    }
}
