package dev.vmboot.boot.linux.internal;

import java.nio.ByteBuffer;

import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.vmboot.api.boot.BootException;
import dev.vmboot.api.boot.BootImage;

/**
 * Parses arbitrary bytes as a bzImage; only BootException may come out. A normal test run replays the inputs under
 * {@code SetupHeaderFuzzTestInputs/parse} (made by {@link BzImageFuzzSeeds}); {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class SetupHeaderFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void parse(byte[] data) {
        try {
            BzImage bz = BzImage.parse(ByteBuffer.wrap(data));
            if (bz.kernelOffset() + bz.kernelSize() != data.length || bz.kernelSize() <= 0
                    || bz.preferedAddress() < LinuxLayout.HIGH_RAM_START) {
                throw new AssertionError("inconsistent parse: " + bz);
            }
        } catch (BootException expected) {
            // refused with a message
        }
        new LinuxBootProtocol().probe(new BootImage("fuzz", ByteBuffer.wrap(data)));
    }
}
