package dev.vmboot.api.virtio;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

import dev.vmboot.api.memory.GuestMemory;

/**
 * What a device gets when the driver sets DRIVER_OK.
 *
 * @param features  the feature bits the driver accepted (a subset of what was offered, with VERSION_1)
 * @param queues    one entry per queue of {@link VirtioDevice#queueMaxSizes()}, in order; null where the driver did
 *                  not enable that queue
 * @param interrupt how the device signals the driver
 * @param memory    guest memory, for devices that address it beyond their descriptor chains (none needs to today)
 */
public record VirtioActivation(long features, List<Virtqueue> queues, VirtioInterrupt interrupt, GuestMemory memory) {
    public VirtioActivation {
        queues = Collections.unmodifiableList(new ArrayList<>(queues));
        Objects.requireNonNull(interrupt, "interrupt");
        Objects.requireNonNull(memory, "memory");
    }

    /** Whether the driver accepted feature {@code bit}. */
    public boolean hasFeature(int bit) {
        return VirtioFeatures.has(features, bit);
    }

    /** Queue {@code index}, or null if the driver did not enable it. */
    public Virtqueue queue(int index) {
        return index >= 0 && index < queues.size() ? queues.get(index) : null;
    }
}
