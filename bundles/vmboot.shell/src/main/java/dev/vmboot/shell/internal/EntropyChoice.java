package dev.vmboot.shell.internal;

import java.util.Map;
import java.util.Optional;

import dev.vmboot.api.vm.DeviceSpec;

/**
 * The guest's virtio entropy device ({@code vmboot.virtio.rng}), on by default as cloud-hypervisor has it: a guest
 * then seeds its random pool from the host at boot instead of waiting for entropy of its own, and UEFI firmware offers
 * it as EFI_RNG_PROTOCOL. {@code --rng RATE} bounds it to RATE bytes a second (default 1M); {@code --no-rng} leaves it
 * out.
 *
 * @param bytesPerSecond the rate bound, or empty for no device
 */
record EntropyChoice(Optional<Long> bytesPerSecond) {
    static final EntropyChoice DEFAULT = new EntropyChoice(Optional.of(1L << 20));
    static final EntropyChoice NONE = new EntropyChoice(Optional.empty());
    /** The rate bound vmboot.virtio.rng accepts at most: 1 GiB a second. */
    static final long MAX_RATE = 1L << 30;

    /** @throws IllegalArgumentException naming {@code --rng} and what it accepts */
    static EntropyChoice rate(String text) {
        long rate;
        try {
            rate = ByteSize.parse(text);
        } catch (IllegalArgumentException e) {
            rate = -1;
        }
        if (rate < 1 || rate > MAX_RATE) {
            throw new IllegalArgumentException("--rng takes bytes a second from 1 to 1G (e.g. 64K, 1M), not "
                    + CommandArguments.shown(text));
        }
        return new EntropyChoice(Optional.of(rate));
    }

    Optional<DeviceSpec> device() {
        return bytesPerSecond.map(rate -> new DeviceSpec("rng", Map.of("rate", Long.toString(rate))));
    }
}
