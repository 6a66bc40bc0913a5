package dev.vmboot.virtio.rng.internal;

import java.io.EOFException;
import java.io.FileInputStream;
import java.io.IOException;

/**
 * The host kernel's random number generator, read from {@code /dev/urandom} (random(4)): the bytes QEMU's
 * {@code rng-random} back-end passes on, and those the JDK's default {@code SecureRandom} on Linux (NativePRNG) reads
 * for {@code nextBytes}, without the JCA provider machinery, which nothing else in vmboot loads (about 200 classes and
 * their provider tables, resident for the VM's life). It never blocks: reads from {@code /dev/urandom} do not wait for
 * the pool (getrandom(2) without {@code GRND_RANDOM}, once the kernel's generator is seeded at boot), and the guest
 * cannot deplete or influence what the host's other users get.
 * <p>
 * Threads: {@link #fill} from the device's serving thread only; {@link #close} after that thread has ended.
 */
final class KernelRandom implements EntropySource {
    /** random(4): the non-blocking interface to the kernel's generator. */
    static final String DEVICE = "/dev/urandom";

    private final FileInputStream in;

    private KernelRandom(FileInputStream in) {
        this.in = in;
    }

    /** @throws IOException if the device cannot be opened (no /dev, a sandbox without it) */
    static KernelRandom open() throws IOException {
        return new KernelRandom(new FileInputStream(DEVICE));
    }

    @Override
    public void fill(byte[] bytes) throws IOException {
        // random(4): a read of up to 32 MiB - 1 from /dev/urandom returns it whole; readNBytes loops for less
        if (in.readNBytes(bytes, 0, bytes.length) != bytes.length) {
            throw new EOFException(DEVICE + " ended");
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
