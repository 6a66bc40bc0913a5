package dev.vmboot.machine.internal;

import java.io.IOException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.vmboot.api.device.GuestLogLimiter;
import dev.vmboot.kvm.KvmException;
import dev.vmboot.kvm.KvmVm;
import dev.vmboot.machine.internal.virtio.Doorbell;
import dev.vmboot.machine.internal.virtio.EventFdDoorbell;
import dev.vmboot.machine.internal.virtio.VirtioPciDevices;

/**
 * Doorbells on eventfds that KVM signals itself (KVM_IOEVENTFD, Documentation/virt/kvm/api.rst 4.59) for the guest's
 * 16-bit writes to a queue's notify address (virtio 1.2, 4.1.4.4: the driver writes the queue index there), so a
 * notification costs the guest no exit to user space. Where the registration fails, the write still arrives as MMIO
 * and rings the doorbell from the vCPU thread.
 */
final class KvmDoorbellWiring implements VirtioPciDevices.DoorbellWiring {
    private static final Logger LOG = LoggerFactory.getLogger(KvmDoorbellWiring.class);
    /** Notifications are le16 writes (4.1.5.2 "Available Buffer Notifications"). */
    private static final int NOTIFY_WIDTH = 2;

    private final KvmVm vm;
    private final String vmName;
    private final GuestLogLimiter guestLog;

    /** @param guestLog the machine's budget: the guest moves BARs, and with them the notify addresses */
    KvmDoorbellWiring(KvmVm vm, String vmName, GuestLogLimiter guestLog) {
        this.vm = vm;
        this.vmName = vmName;
        this.guestLog = guestLog;
    }

    @Override
    public Doorbell create() throws IOException {
        return new EventFdDoorbell();
    }

    @Override
    public void connect(Doorbell doorbell, long address) {
        register(doorbell, address, false);
    }

    @Override
    public void disconnect(Doorbell doorbell, long address) {
        register(doorbell, address, true);
    }

    private void register(Doorbell doorbell, long address, boolean deassign) {
        try {
            vm.ioeventfd(((EventFdDoorbell) doorbell).eventFd(), address, NOTIFY_WIDTH, false, null, deassign);
        } catch (KvmException e) {
            guestLog.warn(LOG, "VM {}: KVM_IOEVENTFD at 0x{} ({}): {}; notifications take the MMIO path", vmName,
                    Long.toHexString(address), deassign ? "deassign" : "assign", e.getMessage());
        }
    }
}
