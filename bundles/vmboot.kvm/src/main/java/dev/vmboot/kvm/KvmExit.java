package dev.vmboot.kvm;

/** {@code KVM_EXIT_*} reasons in {@code kvm_run.exit_reason} (include/uapi/linux/kvm.h). */
public final class KvmExit {
    private KvmExit() {
    }

    public static final int UNKNOWN = 0;
    public static final int EXCEPTION = 1;
    public static final int IO = 2;
    public static final int HYPERCALL = 3;
    public static final int DEBUG = 4;
    public static final int HLT = 5;
    public static final int MMIO = 6;
    public static final int IRQ_WINDOW_OPEN = 7;
    public static final int SHUTDOWN = 8;
    public static final int FAIL_ENTRY = 9;
    public static final int INTR = 10;
    public static final int INTERNAL_ERROR = 17;
    public static final int SYSTEM_EVENT = 24;

    /** {@code KVM_EXIT_IO_IN} / {@code KVM_EXIT_IO_OUT}. */
    public static final int IO_IN = 0;
    public static final int IO_OUT = 1;

    /** {@code KVM_SYSTEM_EVENT_*}. */
    public static final int SYSTEM_EVENT_SHUTDOWN = 1;
    public static final int SYSTEM_EVENT_RESET = 2;
    public static final int SYSTEM_EVENT_CRASH = 3;

    public static String name(int reason) {
        switch (reason) {
        case UNKNOWN: return "UNKNOWN";
        case EXCEPTION: return "EXCEPTION";
        case IO: return "IO";
        case HYPERCALL: return "HYPERCALL";
        case DEBUG: return "DEBUG";
        case HLT: return "HLT";
        case MMIO: return "MMIO";
        case IRQ_WINDOW_OPEN: return "IRQ_WINDOW_OPEN";
        case SHUTDOWN: return "SHUTDOWN";
        case FAIL_ENTRY: return "FAIL_ENTRY";
        case INTR: return "INTR";
        case INTERNAL_ERROR: return "INTERNAL_ERROR";
        case SYSTEM_EVENT: return "SYSTEM_EVENT";
        default: return "exit reason " + reason;
        }
    }
}
