package dev.vmboot.kvm;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.locks.StampedLock;

import com.sun.jna.Memory;

/**
 * A KVM virtual machine file descriptor: memory slots, the in-kernel interrupt controllers and PIT, interrupt
 * injection and vCPU creation (Documentation/virt/kvm/api.rst, section 4).
 * <p>
 * Device threads inject interrupts at any time, so every call holds a read lock of its life and {@link #close()} its
 * write lock: close waits for the calls in progress, and a call after close throws {@link IllegalStateException}
 * instead of writing into freed argument buffers (a JVM crash) or issuing an ioctl on a descriptor number the process
 * may have reused (issue 11, item 8).
 */
public final class KvmVm implements AutoCloseable {
    /** {@code KVM_MEM_READONLY}: guest writes to the slot exit to user space as MMIO. */
    public static final int MEM_READONLY = 1 << 1;
    /** {@code KVM_PIT_SPEAKER_DUMMY}: a dummy port 0x61 speaker. */
    static final int PIT_SPEAKER_DUMMY = 1;
    /** {@code KVM_IRQFD_FLAG_DEASSIGN}. */
    static final int IRQFD_FLAG_DEASSIGN = 1;
    /** {@code KVM_IOEVENTFD_FLAG_DATAMATCH}, {@code _PIO}, {@code _DEASSIGN}. */
    static final int IOEVENTFD_FLAG_DATAMATCH = 1;
    static final int IOEVENTFD_FLAG_PIO = 1 << 1;
    static final int IOEVENTFD_FLAG_DEASSIGN = 1 << 2;

    private final Kvm.FileDescriptor fd;
    private final int vcpuMmapSize;
    /** Argument buffer for KVM_IRQ_LINE, which device threads call often: allocated once. */
    private final Memory irqLevel = new Memory(KvmStructs.IRQ_LEVEL_SIZE);
    private final Memory msi = new Memory(KvmStructs.MSI_SIZE);
    /**
     * {@link #msi} seen from Java: each MSI a device raises stores its three fields with plain Java writes instead of
     * a JNI call per field (and one to clear), which the lab's profile of virtio-net showed per interrupt.
     */
    private final ByteBuffer msiFields = msi.getByteBuffer(0, KvmStructs.MSI_SIZE).order(ByteOrder.nativeOrder());
    /** Read-held by every call, write-held by close; a StampedLock keeps no per-thread state. */
    private final StampedLock life = new StampedLock();
    /** Set before close waits for the write lock, so that new calls stop taking read locks and cannot starve it. */
    private volatile boolean closing;
    private boolean closed; // written under life's write lock

    KvmVm(Kvm.FileDescriptor fd, int vcpuMmapSize) {
        this.fd = fd;
        this.vcpuMmapSize = vcpuMmapSize;
        msi.clear(); // flags, devid and the padding stay 0
    }

    /** {@code KVM_SET_TSS_ADDR}: three pages of guest physical space for the real-mode TSS on Intel. */
    public void setTssAddress(long address) throws KvmException {
        long stamp = enter("KVM_SET_TSS_ADDR");
        try {
            fd.ioctl("KVM_SET_TSS_ADDR", KvmIoctls.SET_TSS_ADDR, LibC.arg(address));
        } finally {
            life.unlockRead(stamp);
        }
    }

    /** {@code KVM_SET_IDENTITY_MAP_ADDR}: one page for the EPT identity map (unrestricted-guest-less Intel). */
    public void setIdentityMapAddress(long address) throws KvmException {
        long stamp = enter("KVM_SET_IDENTITY_MAP_ADDR");
        try (Memory m = new Memory(8)) {
            m.setLong(0, address);
            fd.ioctl("KVM_SET_IDENTITY_MAP_ADDR", KvmIoctls.SET_IDENTITY_MAP_ADDR, m);
        } finally {
            life.unlockRead(stamp);
        }
    }

    /** {@code KVM_CREATE_IRQCHIP}: in-kernel PIC pair, IOAPIC and a local APIC per vCPU. */
    public void createIrqchip() throws KvmException {
        long stamp = enter("KVM_CREATE_IRQCHIP");
        try {
            fd.ioctl("KVM_CREATE_IRQCHIP", KvmIoctls.CREATE_IRQCHIP, null);
        } finally {
            life.unlockRead(stamp);
        }
    }

    /** {@code KVM_CREATE_PIT2} with a dummy speaker port. */
    public void createPit2() throws KvmException {
        long stamp = enter("KVM_CREATE_PIT2");
        try (Memory m = new Memory(KvmStructs.PIT_CONFIG_SIZE)) {
            m.clear();
            m.setInt(KvmStructs.PIT_CONFIG_FLAGS, PIT_SPEAKER_DUMMY);
            fd.ioctl("KVM_CREATE_PIT2", KvmIoctls.CREATE_PIT2, m);
        } finally {
            life.unlockRead(stamp);
        }
    }

    /**
     * {@code KVM_SET_USER_MEMORY_REGION}: maps {@code size} bytes of host memory at {@code hostAddress} into guest
     * physical space at {@code guestAddress} as slot {@code slot}; size 0 deletes the slot.
     */
    public void setUserMemoryRegion(int slot, int flags, long guestAddress, long size, long hostAddress)
            throws KvmException {
        long stamp = enter("KVM_SET_USER_MEMORY_REGION");
        try (Memory m = new Memory(KvmStructs.USER_MEMORY_REGION_SIZE)) {
            m.setInt(KvmStructs.MEM_SLOT, slot);
            m.setInt(KvmStructs.MEM_FLAGS, flags);
            m.setLong(KvmStructs.MEM_GUEST_PHYS_ADDR, guestAddress);
            m.setLong(KvmStructs.MEM_MEMORY_SIZE, size);
            m.setLong(KvmStructs.MEM_USERSPACE_ADDR, hostAddress);
            fd.ioctl("KVM_SET_USER_MEMORY_REGION", KvmIoctls.SET_USER_MEMORY_REGION, m);
        } finally {
            life.unlockRead(stamp);
        }
    }

    /** {@code KVM_IRQ_LINE}: drives GSI {@code gsi} of the in-kernel PIC/IOAPIC. */
    public void irqLine(int gsi, boolean level) throws KvmException {
        long stamp = enter("KVM_IRQ_LINE");
        try {
            synchronized (irqLevel) {
                irqLevel.setInt(KvmStructs.IRQ_LEVEL_IRQ, gsi);
                irqLevel.setInt(KvmStructs.IRQ_LEVEL_LEVEL, level ? 1 : 0);
                fd.ioctl("KVM_IRQ_LINE", KvmIoctls.IRQ_LINE, irqLevel);
            }
        } finally {
            life.unlockRead(stamp);
        }
    }

    /**
     * {@code KVM_SIGNAL_MSI}: delivers an MSI message.
     *
     * @return &gt;0 delivered, 0 blocked by the guest
     */
    public int signalMsi(long address, int data) throws KvmException {
        long stamp = enter("KVM_SIGNAL_MSI");
        try {
            synchronized (msi) {
                msiFields.putInt(KvmStructs.MSI_ADDRESS_LO, (int) address);
                msiFields.putInt(KvmStructs.MSI_ADDRESS_HI, (int) (address >>> 32));
                msiFields.putInt(KvmStructs.MSI_DATA, data);
                return fd.ioctl("KVM_SIGNAL_MSI", KvmIoctls.SIGNAL_MSI, msi);
            }
        } finally {
            life.unlockRead(stamp);
        }
    }

    /** {@code KVM_IRQFD}: a write to {@code eventFd} raises GSI {@code gsi} (or stops doing so if deassigning). */
    public void irqfd(EventFd eventFd, int gsi, boolean deassign) throws KvmException {
        long stamp = enter("KVM_IRQFD");
        try (Memory m = new Memory(KvmStructs.IRQFD_SIZE)) {
            m.clear();
            m.setInt(KvmStructs.IRQFD_FD, eventFd.fd());
            m.setInt(KvmStructs.IRQFD_GSI, gsi);
            m.setInt(KvmStructs.IRQFD_FLAGS, deassign ? IRQFD_FLAG_DEASSIGN : 0);
            fd.ioctl("KVM_IRQFD", KvmIoctls.IRQFD, m);
        } finally {
            life.unlockRead(stamp);
        }
    }

    /**
     * {@code KVM_IOEVENTFD}: a guest write of {@code length} bytes to {@code address} (a port when {@code pio})
     * signals {@code eventFd} inside the kernel instead of exiting.
     *
     * @param dataMatch only writes of this value match, or null for any value
     */
    public void ioeventfd(EventFd eventFd, long address, int length, boolean pio, Long dataMatch, boolean deassign)
            throws KvmException {
        long stamp = enter("KVM_IOEVENTFD");
        try (Memory m = new Memory(KvmStructs.IOEVENTFD_SIZE)) {
            m.clear();
            int flags = (pio ? IOEVENTFD_FLAG_PIO : 0) | (deassign ? IOEVENTFD_FLAG_DEASSIGN : 0);
            if (dataMatch != null) {
                flags |= IOEVENTFD_FLAG_DATAMATCH;
                m.setLong(KvmStructs.IOEVENTFD_DATAMATCH, dataMatch);
            }
            m.setLong(KvmStructs.IOEVENTFD_ADDR, address);
            m.setInt(KvmStructs.IOEVENTFD_LEN, length);
            m.setInt(KvmStructs.IOEVENTFD_FD, eventFd.fd());
            m.setInt(KvmStructs.IOEVENTFD_FLAGS, flags);
            fd.ioctl("KVM_IOEVENTFD", KvmIoctls.IOEVENTFD, m);
        } finally {
            life.unlockRead(stamp);
        }
    }

    /** {@code KVM_CREATE_VCPU} with APIC ID {@code id}, and the mapping of its {@code kvm_run} page. */
    public KvmVcpu createVcpu(int id) throws KvmException {
        long stamp = enter("KVM_CREATE_VCPU");
        try {
            int vcpuFd = fd.ioctl("KVM_CREATE_VCPU", KvmIoctls.CREATE_VCPU, LibC.arg(id));
            return KvmVcpu.map(id, new Kvm.FileDescriptor(vcpuFd), vcpuMmapSize);
        } finally {
            life.unlockRead(stamp);
        }
    }

    /** Takes the read lock for a call, or throws if the VM is closed; the caller unlocks the stamp. */
    private long enter(String ioctl) {
        if (closing) {
            throw new IllegalStateException(ioctl + " on a closed VM");
        }
        long stamp = life.readLock();
        if (closed) {
            life.unlockRead(stamp);
            throw new IllegalStateException(ioctl + " on a closed VM");
        }
        return stamp;
    }

    /** Waits for the calls in progress, then closes the descriptor and frees the argument buffers. */
    @Override
    public void close() {
        closing = true;
        long stamp = life.writeLock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            fd.close();
            irqLevel.close();
            msi.close();
        } finally {
            life.unlockWrite(stamp);
        }
    }
}
