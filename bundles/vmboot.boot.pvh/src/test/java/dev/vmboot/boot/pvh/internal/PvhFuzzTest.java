package dev.vmboot.boot.pvh.internal;

import java.nio.ByteBuffer;

import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.vmboot.api.boot.BootException;
import dev.vmboot.api.boot.BootImage;

/**
 * Parses arbitrary bytes as a PVH ELF image; only BootException may come out (an unchecked exception, a hang or an
 * OOM is a finding). A normal test run replays the inputs under {@code PvhFuzzTestInputs/parse} (made by
 * {@link PvhFuzzSeeds}); {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class PvhFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void parse(byte[] data) {
        try {
            PvhImage image = PvhImage.parse(ByteBuffer.wrap(data));
            if (image.segments().isEmpty() || image.entry() <= 0) {
                throw new AssertionError("parsed an image without segments or entry");
            }
        } catch (BootException expected) {
            // malformed input, refused with a message
        }
        new PvhBootProtocol().probe(new BootImage("fuzz", ByteBuffer.wrap(data)));
    }
}
