package dev.vmboot.virtio;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLongArray;

import dev.vmboot.api.virtio.InvalidChainException;

/**
 * What a virtio device did and refused over its life, for {@code vmboot:list} and tests: guest mistakes are counted
 * here, never logged one by one. The device names its own counters with an enum {@code E}, whose constants document
 * what each counts; every device also gets one counter per {@link InvalidChainException.Kind} of chain its queues
 * refused.
 * <p>
 * Threading: every method may be called from any thread at any time. Each counter is one element of an
 * {@link AtomicLongArray}: increments are never lost, but {@link #toMap()} reads the counters one by one, so it is not
 * a snapshot of all of them at one instant.
 *
 * @param <E> the device's own counters; the map key of each is its name in lower case
 */
public final class DeviceCounters<E extends Enum<E>> {

    /** Key prefix of the per-kind counts of {@link #invalidChain}. */
    public static final String INVALID_CHAIN_PREFIX = "invalid_chain_";

    private final E[] counters;
    private final int kindsAt;
    private final AtomicLongArray values;

    /**
     * Counters all at zero.
     *
     * @param counters the device's enum of counters
     */
    public DeviceCounters(Class<E> counters) {
        this.counters = Objects.requireNonNull(counters.getEnumConstants(), "not an enum: " + counters);
        this.kindsAt = this.counters.length;
        this.values = new AtomicLongArray(kindsAt + InvalidChainException.Kind.values().length);
    }

    /** Counts one more of {@code c}. */
    public void increment(E c) {
        values.incrementAndGet(c.ordinal());
    }

    /** Adds {@code delta} to {@code c}. */
    public void add(E c, long delta) {
        values.addAndGet(c.ordinal(), delta);
    }

    /** A chain the queue refused: {@code invalid_chain_<kind>}. */
    public void invalidChain(InvalidChainException.Kind kind) {
        values.incrementAndGet(kindsAt + kind.ordinal());
    }

    /** The count of {@code c}. */
    public long get(E c) {
        return values.get(c.ordinal());
    }

    /** The count of chains refused as {@code kind}. */
    public long invalidChains(InvalidChainException.Kind kind) {
        return values.get(kindsAt + kind.ordinal());
    }

    /**
     * Every counter by name, zeros included, in a fixed order: the device's counters in the order of their enum, then
     * {@code invalid_chain_<kind>} in the order of {@link InvalidChainException.Kind}.
     */
    public Map<String, Long> toMap() {
        return toMap(Map.of());
    }

    /**
     * As {@link #toMap()}, with counters the device keeps elsewhere placed between its own and the invalid-chain ones,
     * in the iteration order of {@code more}.
     */
    public Map<String, Long> toMap(Map<String, Long> more) {
        Map<String, Long> map = new LinkedHashMap<>();
        for (E c : counters) {
            map.put(key(c), get(c));
        }
        map.putAll(more);
        for (InvalidChainException.Kind k : InvalidChainException.Kind.values()) {
            map.put(INVALID_CHAIN_PREFIX + k.name().toLowerCase(Locale.ROOT), invalidChains(k));
        }
        return map;
    }

    /** The map key of {@code c}: its name in lower case. */
    public static String key(Enum<?> c) {
        return c.name().toLowerCase(Locale.ROOT);
    }
}
