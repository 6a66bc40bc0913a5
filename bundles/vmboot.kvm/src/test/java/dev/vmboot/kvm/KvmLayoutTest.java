package dev.vmboot.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Struct sizes and offsets against the values a C compiler gives for the Linux 6.1 headers (gcc, x86-64,
 * {@code offsetof}/{@code sizeof} on linux/kvm.h), and ioctl numbers against the kernel's constants.
 */
class KvmLayoutTest {

    @Test
    void registerStructs() {
        assertEquals(144, KvmRegs.SIZE);
        assertEquals(128, KvmRegs.RIP);
        assertEquals(136, KvmRegs.RFLAGS);
        assertEquals(24, KvmSegment.SIZE);
        assertEquals(12, KvmSegment.SELECTOR);
        assertEquals(14, KvmSegment.TYPE);
        assertEquals(22, KvmSegment.UNUSABLE);
        assertEquals(16, KvmSregs.DTABLE_SIZE);
        assertEquals(312, KvmSregs.SIZE);
        assertEquals(144, KvmSregs.TR);
        assertEquals(192, KvmSregs.GDT);
        assertEquals(208, KvmSregs.IDT);
        assertEquals(224, KvmSregs.CR0);
        assertEquals(264, KvmSregs.EFER);
        assertEquals(272, KvmSregs.APIC_BASE);
        assertEquals(280, KvmSregs.INTERRUPT_BITMAP);
    }

    @Test
    void argumentStructs() {
        assertEquals(32, KvmStructs.USER_MEMORY_REGION_SIZE);
        assertEquals(24, KvmStructs.MEM_USERSPACE_ADDR);
        assertEquals(8, KvmStructs.IRQ_LEVEL_SIZE);
        assertEquals(64, KvmStructs.PIT_CONFIG_SIZE);
        assertEquals(32, KvmStructs.MSI_SIZE);
        assertEquals(32, KvmStructs.IRQFD_SIZE);
        assertEquals(64, KvmStructs.IOEVENTFD_SIZE);
        assertEquals(20, KvmStructs.IOEVENTFD_FD);
        assertEquals(24, KvmStructs.IOEVENTFD_FLAGS);
        assertEquals(8, KvmStructs.CPUID2_HEADER_SIZE);
        assertEquals(40, KvmStructs.CPUID_ENTRY_SIZE);
        assertEquals(24, KvmStructs.CPUID_EDX);
        assertEquals(8, KvmStructs.MSRS_HEADER_SIZE);
        assertEquals(16, KvmStructs.MSR_ENTRY_SIZE);
        assertEquals(8, KvmStructs.MSR_DATA);
        assertEquals(416, KvmStructs.FPU_SIZE);
        assertEquals(128, KvmStructs.FPU_FCW);
        assertEquals(408, KvmStructs.FPU_MXCSR);
    }

    @Test
    void kvmRunOffsets() {
        assertEquals(1, KvmRun.IMMEDIATE_EXIT);
        assertEquals(8, KvmRun.EXIT_REASON);
        assertEquals(16, KvmRun.CR8);
        assertEquals(32, KvmRun.EXIT_UNION);
        assertEquals(33, KvmRun.IO_SIZE);
        assertEquals(34, KvmRun.IO_PORT);
        assertEquals(36, KvmRun.IO_COUNT);
        assertEquals(40, KvmRun.IO_DATA_OFFSET);
        assertEquals(40, KvmRun.MMIO_DATA);
        assertEquals(48, KvmRun.MMIO_LEN);
        assertEquals(52, KvmRun.MMIO_IS_WRITE);
        assertEquals(40, KvmRun.FAIL_ENTRY_CPU);
        assertEquals(40, KvmRun.INTERNAL_DATA);
    }

    @Test
    void ioctlNumbers() {
        assertEquals(0xAE00L, KvmIoctls.GET_API_VERSION);
        assertEquals(0xAE01L, KvmIoctls.CREATE_VM);
        assertEquals(0xAE03L, KvmIoctls.CHECK_EXTENSION);
        assertEquals(0xAE04L, KvmIoctls.GET_VCPU_MMAP_SIZE);
        assertEquals(0xC008AE05L, KvmIoctls.GET_SUPPORTED_CPUID);
        assertEquals(0xAE41L, KvmIoctls.CREATE_VCPU);
        assertEquals(0x4020AE46L, KvmIoctls.SET_USER_MEMORY_REGION);
        assertEquals(0xAE47L, KvmIoctls.SET_TSS_ADDR);
        assertEquals(0x4008AE48L, KvmIoctls.SET_IDENTITY_MAP_ADDR);
        assertEquals(0xAE60L, KvmIoctls.CREATE_IRQCHIP);
        assertEquals(0x4008AE61L, KvmIoctls.IRQ_LINE);
        assertEquals(0x4020AE76L, KvmIoctls.IRQFD);
        assertEquals(0x4040AE77L, KvmIoctls.CREATE_PIT2);
        assertEquals(0x4040AE79L, KvmIoctls.IOEVENTFD);
        assertEquals(0x4020AEA5L, KvmIoctls.SIGNAL_MSI);
        assertEquals(0xAE80L, KvmIoctls.RUN);
        assertEquals(0x8090AE81L, KvmIoctls.GET_REGS);
        assertEquals(0x4090AE82L, KvmIoctls.SET_REGS);
        assertEquals(0x8138AE83L, KvmIoctls.GET_SREGS);
        assertEquals(0x4138AE84L, KvmIoctls.SET_SREGS);
        assertEquals(0xC008AE88L, KvmIoctls.GET_MSRS);
        assertEquals(0x4008AE89L, KvmIoctls.SET_MSRS);
        assertEquals(0x81A0AE8CL, KvmIoctls.GET_FPU);
        assertEquals(0x41A0AE8DL, KvmIoctls.SET_FPU);
        assertEquals(0x8400AE8EL, KvmIoctls.GET_LAPIC);
        assertEquals(0x4400AE8FL, KvmIoctls.SET_LAPIC);
        assertEquals(0x4008AE90L, KvmIoctls.SET_CPUID2);
        assertEquals(0x8004AE98L, KvmIoctls.GET_MP_STATE);
        assertEquals(0x4004AE99L, KvmIoctls.SET_MP_STATE);
    }

    @Test
    void layoutAlignsLikeC() {
        StructLayout l = new StructLayout();
        assertEquals(0, l.u8());
        assertEquals(4, l.u32());
        assertEquals(8, l.u16());
        assertEquals(16, l.u64());
        assertEquals(24, l.u8());
        assertEquals(32, l.size());
        assertEquals(8, l.alignment());
    }
}
