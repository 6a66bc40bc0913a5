package dev.vmboot.api.vm;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A device plug-in to attach to a machine: which kind (the {@code vmboot.virtio.type} of a
 * {@link dev.vmboot.api.virtio.VirtioDeviceFactory}, such as {@code blk}) and its options ({@code path},
 * {@code readonly}...), which the factory checks.
 *
 * @param type    the factory's type
 * @param options the factory's options, in the order given
 */
public record DeviceSpec(String type, Map<String, String> options) {
    public DeviceSpec {
        Objects.requireNonNull(type, "type");
        if (type.isBlank()) {
            throw new IllegalArgumentException("a device needs a type");
        }
        options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(type);
        options.forEach((k, v) -> b.append(',').append(k).append('=').append(v));
        return b.toString();
    }
}
