package dev.vmboot.platform;

import java.util.Objects;

import dev.vmboot.api.device.MmioDevice;

/**
 * A device to register in guest physical address space at {@code [base, base + length)}.
 *
 * @param name   for logs and overlap errors
 * @param base   first address
 * @param length bytes
 * @param device the model
 */
public record MmioRange(String name, long base, long length, MmioDevice device) {
    public MmioRange {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(device, "device");
        if (base < 0 || length <= 0 || base + length < base) {
            throw new IllegalArgumentException(name + ": bad MMIO range " + base + "+" + length);
        }
    }
}
