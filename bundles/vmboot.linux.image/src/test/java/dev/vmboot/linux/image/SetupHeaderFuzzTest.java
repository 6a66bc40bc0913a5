package dev.vmboot.linux.image;

import java.nio.ByteBuffer;

import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.vmboot.api.boot.BootException;

/**
 * Parses arbitrary bytes as a bzImage's setup header; only BootException may come out, and what is accepted must
 * fit the file. A normal test run replays the inputs under {@code SetupHeaderFuzzTestInputs/parse} (made by
 * {@link SetupHeaderFuzzSeeds}); {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class SetupHeaderFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void parse(byte[] data) {
        SetupHeader h;
        try {
            h = SetupHeader.parse(ByteBuffer.wrap(data));
        } catch (BootException expected) {
            return; // refused with a message
        }
        if (!SetupHeader.hasMagic(ByteBuffer.wrap(data)) || h.end() > data.length
                || h.end() <= SetupHeader.START || h.setupSects() < 1 || h.version() < 0x0206
                || h.protectedModeOffset() >= data.length) {
            throw new AssertionError("inconsistent parse: " + h);
        }
    }
}
