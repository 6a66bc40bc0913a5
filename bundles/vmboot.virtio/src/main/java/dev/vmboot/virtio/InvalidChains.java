package dev.vmboot.virtio;

import dev.vmboot.api.virtio.InvalidChainException;
import dev.vmboot.api.virtio.Virtqueue;

/**
 * What a device does with a chain that {@link Virtqueue#pop()} refused with an {@link InvalidChainException}: count it
 * as {@code invalid_chain_<kind>} and give its head back to the driver used with length 0, then go on with the next
 * chain. The one exception is an available ring entry that is itself out of range ({@code headIndex} outside
 * {@code [0, size)}): it names no descriptor to give back, so it is only counted.
 * <p>
 * Threading: call only from the one thread that serves {@code queue} (the thread that pops it), as
 * {@link Virtqueue#addUsed} requires; the counters it writes may be read from any thread meanwhile.
 */
public final class InvalidChains {

    private InvalidChains() {
    }

    /**
     * Counts {@code refused} in {@code counters} and returns its head to {@code queue}'s used ring with length 0 when
     * it names one. The caller notifies the driver as it does for the chains it served.
     *
     * @return true if a used element was added (one more for the caller's count of used chains)
     */
    public static boolean giveBack(Virtqueue queue, InvalidChainException refused, DeviceCounters<?> counters) {
        counters.invalidChain(refused.kind());
        if (refused.headIndex() >= 0 && refused.headIndex() < queue.size()) {
            queue.addUsed(refused.headIndex(), 0);
            return true;
        }
        return false;
    }
}
