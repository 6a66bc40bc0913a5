package dev.vmboot.kvm;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;

/**
 * The KVM system file descriptor ({@code /dev/kvm}): API version, capabilities, supported CPUID, and the factory of
 * virtual machines (Documentation/virt/kvm/api.rst, 4.1–4.5).
 */
public final class Kvm implements AutoCloseable {
    /** {@code #define KVM_API_VERSION 12}: the only stable version there has ever been. */
    public static final int API_VERSION = 12;
    public static final String DEVICE = "/dev/kvm";

    /** What vmboot's machine relies on. */
    public static final Set<KvmCapability> REQUIRED = EnumSet.of(KvmCapability.USER_MEMORY,
            KvmCapability.SET_TSS_ADDR, KvmCapability.SET_IDENTITY_MAP_ADDR, KvmCapability.IRQCHIP,
            KvmCapability.PIT2, KvmCapability.EXT_CPUID, KvmCapability.READONLY_MEM, KvmCapability.IMMEDIATE_EXIT);

    /** Upper bound for KVM_GET_SUPPORTED_CPUID; KVM returns E2BIG when more would be needed. */
    private static final int MAX_CPUID_ENTRIES = 256;

    private final FileDescriptor fd;
    private final int vcpuMmapSize;

    private Kvm(FileDescriptor fd) throws KvmException {
        this.fd = fd;
        this.vcpuMmapSize = fd.ioctl("KVM_GET_VCPU_MMAP_SIZE", KvmIoctls.GET_VCPU_MMAP_SIZE, null);
    }

    /**
     * Opens {@code /dev/kvm} and checks the API version, the {@link #REQUIRED} capabilities, and that the CPU has the
     * VT-x or AMD-V an unmodified guest needs ({@link HardwareVirtualization}).
     *
     * @throws KvmException with a person-readable reason (see {@link KvmErrors})
     */
    public static Kvm open() throws KvmException {
        return open(DEVICE);
    }

    static Kvm open(String device) throws KvmException {
        FileDescriptor fd = FileDescriptor.open(device);
        try {
            int version = fd.ioctl("KVM_GET_API_VERSION", KvmIoctls.GET_API_VERSION, null);
            if (version != API_VERSION) {
                throw new KvmException(KvmErrors.apiVersionMismatch(version));
            }
            for (KvmCapability c : REQUIRED) {
                if (fd.ioctl("KVM_CHECK_EXTENSION", KvmIoctls.CHECK_EXTENSION, LibC.arg(c.number())) <= 0) {
                    throw new KvmException(KvmErrors.missingCapability("KVM_CAP_" + c.name()));
                }
            }
            Optional<String> noHardwareVirtualization = HardwareVirtualization.ofThisHost();
            if (noHardwareVirtualization.isPresent()) {
                throw new KvmException(noHardwareVirtualization.get());
            }
            return new Kvm(fd);
        } catch (KvmException | RuntimeException e) {
            fd.close();
            throw e;
        }
    }

    /** Why {@link #open()} would fail, or empty when KVM is usable. Opens and closes the device. */
    public static Optional<String> unavailableReason() {
        try (Kvm kvm = open()) {
            return Optional.empty();
        } catch (KvmException e) {
            return Optional.of(e.getMessage());
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            return Optional.of("cannot call libc through JNA: " + e.getMessage());
        }
    }

    /** {@code KVM_CHECK_EXTENSION}: 0 when absent, otherwise a capability-specific positive value. */
    public int checkExtension(KvmCapability capability) throws KvmException {
        return fd.ioctl("KVM_CHECK_EXTENSION", KvmIoctls.CHECK_EXTENSION, LibC.arg(capability.number()));
    }

    /**
     * The most vCPUs KVM gives one VM (api.rst 4.5, KVM_CREATE_VCPU): {@code KVM_CAP_MAX_VCPUS}, or where that is
     * absent {@code KVM_CAP_NR_VCPUS}, or where that is absent too, 4.
     */
    public int maxVcpus() throws KvmException {
        return maxVcpus(checkExtension(KvmCapability.MAX_VCPUS), checkExtension(KvmCapability.NR_VCPUS));
    }

    /** The rule of {@link #maxVcpus()} on the two capabilities' values (0: absent). */
    static int maxVcpus(int maxVcpusCapability, int nrVcpusCapability) {
        if (maxVcpusCapability > 0) {
            return maxVcpusCapability;
        }
        return nrVcpusCapability > 0 ? nrVcpusCapability : 4;
    }

    /** Size of the {@code kvm_run} mapping of each vCPU. */
    public int vcpuMmapSize() {
        return vcpuMmapSize;
    }

    /** {@code KVM_GET_SUPPORTED_CPUID}: the CPUID leaves KVM can offer a guest on this host. */
    public List<CpuidEntry> supportedCpuid() throws KvmException {
        int entrySize = KvmStructs.CPUID_ENTRY_SIZE;
        try (Memory m = new Memory(KvmStructs.CPUID2_HEADER_SIZE + (long) MAX_CPUID_ENTRIES * entrySize)) {
            m.clear();
            m.setInt(KvmStructs.CPUID2_NENT, MAX_CPUID_ENTRIES);
            fd.ioctl("KVM_GET_SUPPORTED_CPUID", KvmIoctls.GET_SUPPORTED_CPUID, m);
            int n = Math.min(m.getInt(KvmStructs.CPUID2_NENT), MAX_CPUID_ENTRIES);
            List<CpuidEntry> entries = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                long e = KvmStructs.CPUID2_HEADER_SIZE + (long) i * entrySize;
                entries.add(new CpuidEntry(m.getInt(e + KvmStructs.CPUID_FUNCTION),
                        m.getInt(e + KvmStructs.CPUID_INDEX), m.getInt(e + KvmStructs.CPUID_FLAGS),
                        m.getInt(e + KvmStructs.CPUID_EAX), m.getInt(e + KvmStructs.CPUID_EBX),
                        m.getInt(e + KvmStructs.CPUID_ECX), m.getInt(e + KvmStructs.CPUID_EDX)));
            }
            return entries;
        }
    }

    /** {@code KVM_CREATE_VM} with the default machine type. */
    public KvmVm createVm() throws KvmException {
        int vmFd = fd.ioctl("KVM_CREATE_VM", KvmIoctls.CREATE_VM, null);
        return new KvmVm(new FileDescriptor(vmFd), vcpuMmapSize);
    }

    @Override
    public void close() {
        fd.close();
    }

    /** An owned file descriptor with an ioctl helper that turns errno into {@link KvmException}. */
    static final class FileDescriptor implements AutoCloseable {
        private final int fd;
        private boolean closed;

        FileDescriptor(int fd) {
            this.fd = fd;
        }

        static FileDescriptor open(String path) throws KvmException {
            try {
                return new FileDescriptor(LibC.open(path, LibC.O_RDWR | LibC.O_CLOEXEC));
            } catch (LastErrorException e) {
                throw new KvmException(KvmErrors.openFailure(path, e.getErrorCode()));
            }
        }

        int fd() {
            return fd;
        }

        int ioctl(String name, long request, com.sun.jna.Pointer arg) throws KvmException {
            try {
                return LibC.ioctl(fd, request, arg);
            } catch (LastErrorException e) {
                throw new KvmException(name, e.getErrorCode());
            }
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                try {
                    LibC.close(fd);
                } catch (LastErrorException e) {
                    // close(2) releases the descriptor even when it reports an error; nothing to retry.
                }
            }
        }
    }
}
