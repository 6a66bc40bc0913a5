package dev.vmboot.machine.internal.virtio;

/** Delivers one message-signalled interrupt to the guest (KVM_SIGNAL_MSI on a KVM machine). */
@FunctionalInterface
public interface MsiSink {

    /**
     * Sends the message {@code data} to {@code address} (PCI 3.0, 6.8.2: the MSI-X table entry's address and data).
     * Must not throw for a message the guest programmed badly: that is the guest's loss.
     */
    void send(long address, int data);
}
