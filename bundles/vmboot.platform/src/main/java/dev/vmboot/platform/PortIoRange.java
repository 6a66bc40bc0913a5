package dev.vmboot.platform;

import java.util.Objects;

import dev.vmboot.api.device.PortIoDevice;

/**
 * A device to register on the I/O port bus at {@code [base, base + length)}.
 *
 * @param name   for logs and overlap errors
 * @param base   first port
 * @param length number of ports
 * @param device the model
 */
public record PortIoRange(String name, int base, int length, PortIoDevice device) {
    public PortIoRange {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(device, "device");
        if (base < 0 || length <= 0 || base + length > 0x1_0000) {
            throw new IllegalArgumentException(name + ": bad port range " + base + "+" + length);
        }
    }
}
