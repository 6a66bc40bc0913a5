package dev.vmboot.api.virtio;

import java.io.IOException;
import java.util.Map;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Creates virtio devices of one kind. Registered with the property {@value #TYPE_PROPERTY} ({@code blk}, {@code net},
 * {@code rng}).
 */
@ConsumerType
public interface VirtioDeviceFactory {

    String TYPE_PROPERTY = "vmboot.virtio.type";

    String type();

    /** Creates a device from user options such as {@code path=/dev/sda}, {@code readonly=true}. */
    VirtioDevice create(Map<String, String> options) throws IOException;
}
