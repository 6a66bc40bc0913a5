package dev.vmboot.fs.xfs.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.vmboot.api.fs.FileSystem;
import dev.vmboot.api.fs.FsPaths;
import dev.vmboot.testkit.BoundedWalk;
import dev.vmboot.testkit.MemoryBlockDevice;

/**
 * Opens an XFS over arbitrary bytes and walks everything; only IOException may come out. In a normal test run this
 * replays the inputs under {@code XfsFuzzTestInputs/walk} (seeds made by {@link XfsFuzzSeeds}, plus any crash kept
 * as a regression input); {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class XfsFuzzTest {
    /** The seeds are whole, valid filesystems, so the fuzzer starts deep inside the format. */
    @ParameterizedTest
    @ValueSource(strings = {"v4-512.img", "v5-1k.img"})
    void seedsAreValidFilesystems(String seed) throws IOException {
        byte[] data;
        try (InputStream in = getClass().getResourceAsStream("XfsFuzzTestInputs/walk/" + seed)) {
            data = in.readAllBytes();
        }
        try (FileSystem fs = new XfsReader().open(new MemoryBlockDevice(data))) {
            var tree = BoundedWalk.of(fs);
            assertTrue(tree.size() > 30 && tree.containsKey("/longl") && tree.containsKey("/d/b.bin"), tree::toString);
        }
    }

    @FuzzTest(maxDuration = "60s")
    void walk(byte[] data) {
        MemoryBlockDevice dev = new MemoryBlockDevice(data);
        XfsReader reader = new XfsReader();
        try {
            reader.probe(dev);
            try (FileSystem fs = reader.open(dev)) {
                fs.label();
                fs.uuid();
                for (String path : BoundedWalk.of(fs).keySet()) {
                    FsPaths.resolve(fs, path, false);
                }
            }
        } catch (IOException expected) {
            // corrupt input, reported cleanly
        }
    }
}
