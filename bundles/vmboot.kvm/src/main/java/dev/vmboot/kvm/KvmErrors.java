package dev.vmboot.kvm;

/** Person-readable explanations of why KVM cannot be used here. */
public final class KvmErrors {
    private KvmErrors() {
    }

    /** Why opening the KVM device failed, and what to do about it. */
    public static String openFailure(String device, int errno) {
        switch (errno) {
        case LibC.ENOENT:
        case LibC.ENXIO:
        case LibC.ENODEV:
            return "KVM not available: " + device + " is missing; enable VT-x/AMD-V in firmware, load kvm_intel or "
                    + "kvm_amd";
        case LibC.EACCES:
        case LibC.EPERM:
            return "no permission to open " + device + ": add yourself to group kvm (usermod -aG kvm $USER, then log "
                    + "in again)";
        default:
            return "cannot open " + device + ": " + KvmException.errnoName(errno);
        }
    }

    /** The kernel speaks another KVM API version than the stable one ({@code KVM_API_VERSION 12}). */
    public static String apiVersionMismatch(int version) {
        return "KVM API version " + version + " is not supported (vmboot needs version " + Kvm.API_VERSION + ")";
    }

    /** A capability vmboot relies on is missing. */
    public static String missingCapability(String name) {
        return "KVM lacks " + name + ", which vmboot needs; the host kernel is too old or KVM is restricted";
    }
}
