package dev.vmboot.virtio.rng.internal;

import java.security.SecureRandom;
import java.util.Map;

import org.osgi.service.component.annotations.Component;

import dev.vmboot.api.virtio.VirtioDevice;
import dev.vmboot.api.virtio.VirtioDeviceFactory;

/**
 * Creates virtio entropy devices: {@code rng[,rate=BYTES_PER_SECOND][,burst=BYTES]} (defaults 1 MiB/s, 64 KiB).
 * The bytes come from the host's {@link SecureRandom} (on Linux the kernel's generator, {@code /dev/urandom}).
 * Stateless: each device owns its generator, bucket and thread.
 */
@Component(property = VirtioDeviceFactory.TYPE_PROPERTY + "=" + RngFactory.TYPE)
public final class RngFactory implements VirtioDeviceFactory {
    static final String TYPE = "rng";

    @Override
    public String type() {
        return TYPE;
    }

    /** @throws IllegalArgumentException for an unknown option or a rate or burst out of range */
    @Override
    public VirtioDevice create(Map<String, String> options) {
        return new VirtioRng(RngOptions.parse(options), new SecureRandom(), System::nanoTime, "vmboot-virtio-rng");
    }
}
