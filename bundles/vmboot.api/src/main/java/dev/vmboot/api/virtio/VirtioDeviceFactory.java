package dev.vmboot.api.virtio;

import java.io.IOException;
import java.util.Map;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Creates virtio devices of one kind. Registered with the property {@value #TYPE_PROPERTY} ({@code blk}, {@code net},
 * {@code rng}, {@code console}); the hypervisor collects the factories and creates a machine's devices from its
 * {@link dev.vmboot.api.vm.DeviceSpec}s. A factory keeps no state: everything belongs to the device it returns.
 */
@ConsumerType
public interface VirtioDeviceFactory {

    String TYPE_PROPERTY = "vmboot.virtio.type";

    String type();

    /**
     * Creates a device from options such as {@code path=/dev/sda}, {@code readonly=true}.
     *
     * @throws IllegalArgumentException for an unknown or malformed option, naming it and what is accepted
     * @throws IOException              if the back-end cannot be opened
     */
    VirtioDevice create(Map<String, String> options) throws IOException;

    /**
     * Creates a device from options, with what its machine offers besides (the console). The hypervisor calls this
     * one; a device that needs nothing of the machine leaves it to {@link #create(Map)}.
     *
     * @throws IllegalArgumentException for an unknown or malformed option, naming it and what is accepted
     * @throws IOException              if the back-end cannot be opened
     */
    default VirtioDevice create(Map<String, String> options, VirtioDeviceContext context) throws IOException {
        return create(options);
    }
}
