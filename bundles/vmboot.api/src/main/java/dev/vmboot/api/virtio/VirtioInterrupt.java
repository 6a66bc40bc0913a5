package dev.vmboot.api.virtio;

import org.osgi.annotation.versioning.ProviderType;

/**
 * How a device signals its driver (virtio 1.2, 2.3 and 4.1.5.4). The transport turns each call into the MSI-X message
 * the driver assigned to that queue or to configuration changes, or into the ISR bit and the INTx line. Safe to call
 * from any thread of the device; a call after {@link VirtioDevice#reset()} returned is a device bug and is dropped.
 */
@ProviderType
public interface VirtioInterrupt {

    /** Used buffers were added to queue {@code index} (ISR bit 0). */
    void queue(int index);

    /** The device configuration changed (ISR bit 1): a new capacity, link state. */
    void config();

    /**
     * The device hit an error it cannot recover from without a reset (virtio 1.2, 2.1.2): the transport sets
     * DEVICE_NEEDS_RESET in the device status and signals a configuration change.
     */
    void needsReset();
}
