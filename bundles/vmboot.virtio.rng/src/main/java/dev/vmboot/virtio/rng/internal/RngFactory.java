package dev.vmboot.virtio.rng.internal;

import java.io.IOException;
import java.util.Map;

import org.osgi.service.component.annotations.Component;

import dev.vmboot.api.virtio.VirtioDevice;
import dev.vmboot.api.virtio.VirtioDeviceFactory;

/**
 * Creates virtio entropy devices: {@code rng[,rate=BYTES_PER_SECOND][,burst=BYTES]} (defaults 1 MiB/s, 64 KiB).
 * The bytes come from the host kernel's generator ({@link KernelRandom}: {@code /dev/urandom}).
 * Stateless: each device owns its open generator, bucket and thread.
 */
@Component(property = VirtioDeviceFactory.TYPE_PROPERTY + "=" + RngFactory.TYPE)
public final class RngFactory implements VirtioDeviceFactory {
    static final String TYPE = "rng";

    @Override
    public String type() {
        return TYPE;
    }

    /**
     * @throws IllegalArgumentException for an unknown option or a rate or burst out of range
     * @throws IOException              if {@code /dev/urandom} cannot be opened
     */
    @Override
    public VirtioDevice create(Map<String, String> options) throws IOException {
        RngOptions parsed = RngOptions.parse(options);
        return new VirtioRng(parsed, KernelRandom.open(), System::nanoTime, "vmboot-virtio-rng");
    }
}
