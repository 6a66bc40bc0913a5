package dev.vmboot.kvm;

/** {@code KVM_CAP_*} numbers for {@code KVM_CHECK_EXTENSION} (include/uapi/linux/kvm.h). */
public enum KvmCapability {
    IRQCHIP(0),
    USER_MEMORY(3),
    NR_VCPUS(9),
    SET_TSS_ADDR(4),
    EXT_CPUID(7),
    NR_MEMSLOTS(10),
    MP_STATE(14),
    IRQFD(32),
    PIT2(33),
    IOEVENTFD(36),
    MAX_VCPUS(66),
    SET_IDENTITY_MAP_ADDR(37),
    TSC_DEADLINE_TIMER(72),
    SIGNAL_MSI(77),
    READONLY_MEM(81),
    IMMEDIATE_EXIT(136);

    private final int number;

    KvmCapability(int number) {
        this.number = number;
    }

    public int number() {
        return number;
    }
}
