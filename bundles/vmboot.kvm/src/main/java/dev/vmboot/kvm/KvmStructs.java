package dev.vmboot.kvm;

/**
 * Layouts of the small KVM argument structs, computed member by member as {@code include/uapi/linux/kvm.h} and
 * {@code arch/x86/include/uapi/asm/kvm.h} declare them.
 */
final class KvmStructs {
    private KvmStructs() {
    }

    // struct kvm_userspace_memory_region { __u32 slot; __u32 flags; __u64 guest_phys_addr; __u64 memory_size;
    // __u64 userspace_addr; };
    static final int MEM_SLOT;
    static final int MEM_FLAGS;
    static final int MEM_GUEST_PHYS_ADDR;
    static final int MEM_MEMORY_SIZE;
    static final int MEM_USERSPACE_ADDR;
    static final int USER_MEMORY_REGION_SIZE;

    static {
        StructLayout l = new StructLayout();
        MEM_SLOT = l.u32();
        MEM_FLAGS = l.u32();
        MEM_GUEST_PHYS_ADDR = l.u64();
        MEM_MEMORY_SIZE = l.u64();
        MEM_USERSPACE_ADDR = l.u64();
        USER_MEMORY_REGION_SIZE = l.size();
    }

    // struct kvm_irq_level { union { __u32 irq; __s32 status; }; __u32 level; };
    static final int IRQ_LEVEL_IRQ;
    static final int IRQ_LEVEL_LEVEL;
    static final int IRQ_LEVEL_SIZE;

    static {
        StructLayout l = new StructLayout();
        IRQ_LEVEL_IRQ = l.u32();
        IRQ_LEVEL_LEVEL = l.u32();
        IRQ_LEVEL_SIZE = l.size();
    }

    // struct kvm_pit_config { __u32 flags; __u32 pad[15]; };
    static final int PIT_CONFIG_FLAGS;
    static final int PIT_CONFIG_SIZE;

    static {
        StructLayout l = new StructLayout();
        PIT_CONFIG_FLAGS = l.u32();
        l.array(15, 4, 4);
        PIT_CONFIG_SIZE = l.size();
    }

    // struct kvm_msi { __u32 address_lo; __u32 address_hi; __u32 data; __u32 flags; __u32 devid; __u8 pad[12]; };
    static final int MSI_ADDRESS_LO;
    static final int MSI_ADDRESS_HI;
    static final int MSI_DATA;
    static final int MSI_FLAGS;
    static final int MSI_SIZE;

    static {
        StructLayout l = new StructLayout();
        MSI_ADDRESS_LO = l.u32();
        MSI_ADDRESS_HI = l.u32();
        MSI_DATA = l.u32();
        MSI_FLAGS = l.u32();
        l.u32(); // devid
        l.array(12, 1, 1);
        MSI_SIZE = l.size();
    }

    // struct kvm_irqfd { __u32 fd; __u32 gsi; __u32 flags; __u32 resamplefd; __u8 pad[16]; };
    static final int IRQFD_FD;
    static final int IRQFD_GSI;
    static final int IRQFD_FLAGS;
    static final int IRQFD_SIZE;

    static {
        StructLayout l = new StructLayout();
        IRQFD_FD = l.u32();
        IRQFD_GSI = l.u32();
        IRQFD_FLAGS = l.u32();
        l.u32(); // resamplefd
        l.array(16, 1, 1);
        IRQFD_SIZE = l.size();
    }

    // struct kvm_ioeventfd { __u64 datamatch; __u64 addr; __u32 len; __s32 fd; __u32 flags; __u8 pad[36]; };
    static final int IOEVENTFD_DATAMATCH;
    static final int IOEVENTFD_ADDR;
    static final int IOEVENTFD_LEN;
    static final int IOEVENTFD_FD;
    static final int IOEVENTFD_FLAGS;
    static final int IOEVENTFD_SIZE;

    static {
        StructLayout l = new StructLayout();
        IOEVENTFD_DATAMATCH = l.u64();
        IOEVENTFD_ADDR = l.u64();
        IOEVENTFD_LEN = l.u32();
        IOEVENTFD_FD = l.u32();
        IOEVENTFD_FLAGS = l.u32();
        l.array(36, 1, 1);
        IOEVENTFD_SIZE = l.size();
    }

    // struct kvm_cpuid2 { __u32 nent; __u32 padding; struct kvm_cpuid_entry2 entries[]; };
    // struct kvm_cpuid_entry2 { __u32 function; __u32 index; __u32 flags; __u32 eax, ebx, ecx, edx; __u32 padding[3]; };
    static final int CPUID2_NENT;
    static final int CPUID2_HEADER_SIZE;
    static final int CPUID_FUNCTION;
    static final int CPUID_INDEX;
    static final int CPUID_FLAGS;
    static final int CPUID_EAX;
    static final int CPUID_EBX;
    static final int CPUID_ECX;
    static final int CPUID_EDX;
    static final int CPUID_ENTRY_SIZE;

    static {
        StructLayout h = new StructLayout();
        CPUID2_NENT = h.u32();
        h.u32();
        CPUID2_HEADER_SIZE = h.size();
        StructLayout e = new StructLayout();
        CPUID_FUNCTION = e.u32();
        CPUID_INDEX = e.u32();
        CPUID_FLAGS = e.u32();
        CPUID_EAX = e.u32();
        CPUID_EBX = e.u32();
        CPUID_ECX = e.u32();
        CPUID_EDX = e.u32();
        e.array(3, 4, 4);
        CPUID_ENTRY_SIZE = e.size();
    }

    // struct kvm_msrs { __u32 nmsrs; __u32 pad; struct kvm_msr_entry entries[]; };
    // struct kvm_msr_entry { __u32 index; __u32 reserved; __u64 data; };
    static final int MSRS_NMSRS;
    static final int MSRS_HEADER_SIZE;
    static final int MSR_INDEX;
    static final int MSR_DATA;
    static final int MSR_ENTRY_SIZE;

    static {
        StructLayout h = new StructLayout();
        MSRS_NMSRS = h.u32();
        h.u32();
        MSRS_HEADER_SIZE = h.size();
        StructLayout e = new StructLayout();
        MSR_INDEX = e.u32();
        e.u32();
        MSR_DATA = e.u64();
        MSR_ENTRY_SIZE = e.size();
    }

    // struct kvm_fpu { __u8 fpr[8][16]; __u16 fcw; __u16 fsw; __u8 ftwx; __u8 pad1; __u16 last_opcode; __u64 last_ip;
    // __u64 last_dp; __u8 xmm[16][16]; __u32 mxcsr; __u32 pad2; };
    static final int FPU_FCW;
    static final int FPU_MXCSR;
    static final int FPU_SIZE;

    static {
        StructLayout l = new StructLayout();
        l.array(8 * 16, 1, 1);
        FPU_FCW = l.u16();
        l.u16(); // fsw
        l.u8(); // ftwx
        l.u8();
        l.u16(); // last_opcode
        l.u64(); // last_ip
        l.u64(); // last_dp
        l.array(16 * 16, 1, 1);
        FPU_MXCSR = l.u32();
        l.u32();
        FPU_SIZE = l.size();
    }

    /** {@code #define KVM_APIC_REG_SIZE 0x400}: {@code struct kvm_lapic_state { char regs[KVM_APIC_REG_SIZE]; }}. */
    static final int LAPIC_STATE_SIZE = 0x400;
}
