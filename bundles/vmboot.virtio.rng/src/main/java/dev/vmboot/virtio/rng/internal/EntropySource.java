package dev.vmboot.virtio.rng.internal;

import java.io.Closeable;
import java.io.IOException;

/**
 * Where an entropy device's random bytes come from: the host kernel's generator ({@link KernelRandom}) in a VM, a
 * seeded {@code java.util.Random} in tests. Called by the device's serving thread only.
 */
@FunctionalInterface
interface EntropySource extends Closeable {
    /**
     * Fills all of {@code bytes}.
     *
     * @throws IOException if the source cannot give them (the request is then answered with no bytes)
     */
    void fill(byte[] bytes) throws IOException;

    /** Releases what the source holds; nothing for a source that holds nothing. */
    @Override
    default void close() throws IOException {
    }
}
