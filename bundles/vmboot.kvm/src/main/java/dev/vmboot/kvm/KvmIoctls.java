package dev.vmboot.kvm;

/**
 * ioctl request numbers of the KVM API. The encoding is {@code include/uapi/asm-generic/ioctl.h}: direction in bits
 * 31:30 (1 = write, 2 = read), argument size in 29:16, type {@code KVMIO} (0xAE) in 15:8, number in 7:0. Each constant
 * names its line of {@code include/uapi/linux/kvm.h} (Linux 6.1).
 */
public final class KvmIoctls {
    /** {@code #define KVMIO 0xAE}. */
    static final int KVMIO = 0xAE;

    private static final int NONE = 0;
    private static final int WRITE = 1;
    private static final int READ = 2;

    private KvmIoctls() {
    }

    static long ioc(int dir, int type, int nr, int size) {
        if (size < 0 || size >= (1 << 14)) {
            throw new IllegalArgumentException("ioctl argument size " + size);
        }
        return ((long) dir << 30) | ((long) size << 16) | (type << 8) | nr;
    }

    /** {@code _IO(type, nr)}. */
    static long io(int nr) {
        return ioc(NONE, KVMIO, nr, 0);
    }

    /** {@code _IOR(type, nr, size)}: the kernel writes the argument. */
    static long ior(int nr, int size) {
        return ioc(READ, KVMIO, nr, size);
    }

    /** {@code _IOW(type, nr, size)}: the kernel reads the argument. */
    static long iow(int nr, int size) {
        return ioc(WRITE, KVMIO, nr, size);
    }

    /** {@code _IOWR(type, nr, size)}. */
    static long iowr(int nr, int size) {
        return ioc(READ | WRITE, KVMIO, nr, size);
    }

    // System ioctls.
    /** {@code KVM_GET_API_VERSION _IO(KVMIO, 0x00)}. */
    public static final long GET_API_VERSION = io(0x00);
    /** {@code KVM_CREATE_VM _IO(KVMIO, 0x01)}. */
    public static final long CREATE_VM = io(0x01);
    /** {@code KVM_CHECK_EXTENSION _IO(KVMIO, 0x03)}. */
    public static final long CHECK_EXTENSION = io(0x03);
    /** {@code KVM_GET_VCPU_MMAP_SIZE _IO(KVMIO, 0x04)}. */
    public static final long GET_VCPU_MMAP_SIZE = io(0x04);
    /** {@code KVM_GET_SUPPORTED_CPUID _IOWR(KVMIO, 0x05, struct kvm_cpuid2)}. */
    public static final long GET_SUPPORTED_CPUID = iowr(0x05, KvmStructs.CPUID2_HEADER_SIZE);

    // VM ioctls.
    /** {@code KVM_CREATE_VCPU _IO(KVMIO, 0x41)}. */
    public static final long CREATE_VCPU = io(0x41);
    /** {@code KVM_SET_USER_MEMORY_REGION _IOW(KVMIO, 0x46, struct kvm_userspace_memory_region)}. */
    public static final long SET_USER_MEMORY_REGION = iow(0x46, KvmStructs.USER_MEMORY_REGION_SIZE);
    /** {@code KVM_SET_TSS_ADDR _IO(KVMIO, 0x47)}. */
    public static final long SET_TSS_ADDR = io(0x47);
    /** {@code KVM_SET_IDENTITY_MAP_ADDR _IOW(KVMIO, 0x48, __u64)}. */
    public static final long SET_IDENTITY_MAP_ADDR = iow(0x48, 8);
    /** {@code KVM_CREATE_IRQCHIP _IO(KVMIO, 0x60)}. */
    public static final long CREATE_IRQCHIP = io(0x60);
    /** {@code KVM_IRQ_LINE _IOW(KVMIO, 0x61, struct kvm_irq_level)}. */
    public static final long IRQ_LINE = iow(0x61, KvmStructs.IRQ_LEVEL_SIZE);
    /** {@code KVM_IRQFD _IOW(KVMIO, 0x76, struct kvm_irqfd)}. */
    public static final long IRQFD = iow(0x76, KvmStructs.IRQFD_SIZE);
    /** {@code KVM_CREATE_PIT2 _IOW(KVMIO, 0x77, struct kvm_pit_config)}. */
    public static final long CREATE_PIT2 = iow(0x77, KvmStructs.PIT_CONFIG_SIZE);
    /** {@code KVM_IOEVENTFD _IOW(KVMIO, 0x79, struct kvm_ioeventfd)}. */
    public static final long IOEVENTFD = iow(0x79, KvmStructs.IOEVENTFD_SIZE);
    /** {@code KVM_SIGNAL_MSI _IOW(KVMIO, 0xa5, struct kvm_msi)}. */
    public static final long SIGNAL_MSI = iow(0xA5, KvmStructs.MSI_SIZE);

    // vCPU ioctls.
    /** {@code KVM_RUN _IO(KVMIO, 0x80)}. */
    public static final long RUN = io(0x80);
    /** {@code KVM_GET_REGS _IOR(KVMIO, 0x81, struct kvm_regs)}. */
    public static final long GET_REGS = ior(0x81, KvmRegs.SIZE);
    /** {@code KVM_SET_REGS _IOW(KVMIO, 0x82, struct kvm_regs)}. */
    public static final long SET_REGS = iow(0x82, KvmRegs.SIZE);
    /** {@code KVM_GET_SREGS _IOR(KVMIO, 0x83, struct kvm_sregs)}. */
    public static final long GET_SREGS = ior(0x83, KvmSregs.SIZE);
    /** {@code KVM_SET_SREGS _IOW(KVMIO, 0x84, struct kvm_sregs)}. */
    public static final long SET_SREGS = iow(0x84, KvmSregs.SIZE);
    /** {@code KVM_GET_MSRS _IOWR(KVMIO, 0x88, struct kvm_msrs)}. */
    public static final long GET_MSRS = iowr(0x88, KvmStructs.MSRS_HEADER_SIZE);
    /** {@code KVM_SET_MSRS _IOW(KVMIO, 0x89, struct kvm_msrs)}. */
    public static final long SET_MSRS = iow(0x89, KvmStructs.MSRS_HEADER_SIZE);
    /** {@code KVM_GET_FPU _IOR(KVMIO, 0x8c, struct kvm_fpu)}. */
    public static final long GET_FPU = ior(0x8C, KvmStructs.FPU_SIZE);
    /** {@code KVM_SET_FPU _IOW(KVMIO, 0x8d, struct kvm_fpu)}. */
    public static final long SET_FPU = iow(0x8D, KvmStructs.FPU_SIZE);
    /** {@code KVM_GET_LAPIC _IOR(KVMIO, 0x8e, struct kvm_lapic_state)}. */
    public static final long GET_LAPIC = ior(0x8E, KvmStructs.LAPIC_STATE_SIZE);
    /** {@code KVM_SET_LAPIC _IOW(KVMIO, 0x8f, struct kvm_lapic_state)}. */
    public static final long SET_LAPIC = iow(0x8F, KvmStructs.LAPIC_STATE_SIZE);
    /** {@code KVM_SET_CPUID2 _IOW(KVMIO, 0x90, struct kvm_cpuid2)}. */
    public static final long SET_CPUID2 = iow(0x90, KvmStructs.CPUID2_HEADER_SIZE);
    /** {@code KVM_GET_MP_STATE _IOR(KVMIO, 0x98, struct kvm_mp_state)}. */
    public static final long GET_MP_STATE = ior(0x98, 4);
    /** {@code KVM_SET_MP_STATE _IOW(KVMIO, 0x99, struct kvm_mp_state)}. */
    public static final long SET_MP_STATE = iow(0x99, 4);
}
