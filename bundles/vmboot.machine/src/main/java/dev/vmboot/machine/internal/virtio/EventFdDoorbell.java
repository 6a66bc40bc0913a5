package dev.vmboot.machine.internal.virtio;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.vmboot.kvm.EventFd;
import dev.vmboot.kvm.KvmException;

/**
 * A doorbell on a blocking eventfd, which KVM signals itself for the queue's notify address (KVM_IOEVENTFD): the
 * guest's notification wakes the worker without a VM exit.
 */
public final class EventFdDoorbell implements Doorbell {
    private static final Logger LOG = LoggerFactory.getLogger(EventFdDoorbell.class);

    private final EventFd eventFd;

    public EventFdDoorbell() throws KvmException {
        this.eventFd = EventFd.create(false);
    }

    /** The eventfd to register with KVM_IOEVENTFD. */
    public EventFd eventFd() {
        return eventFd;
    }

    @Override
    public void ring() {
        try {
            eventFd.signal(1);
        } catch (KvmException e) {
            // Only a closed or overflowing eventfd fails, and this one is neither while its worker runs.
            LOG.warn("doorbell: {}", e.getMessage());
        }
    }

    @Override
    public void await() throws InterruptedException {
        try {
            eventFd.take();
        } catch (KvmException e) {
            throw new IllegalStateException("doorbell: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        eventFd.close();
    }
}
