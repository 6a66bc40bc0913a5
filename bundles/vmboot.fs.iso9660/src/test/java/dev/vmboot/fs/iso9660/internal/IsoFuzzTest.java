package dev.vmboot.fs.iso9660.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.util.SortedMap;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.vmboot.api.fs.FileSystem;
import dev.vmboot.api.fs.FsPaths;
import dev.vmboot.testkit.BoundedWalk;
import dev.vmboot.testkit.MemoryBlockDevice;

/**
 * Opens an ISO9660 volume over arbitrary bytes and walks everything; only IOException may come out. In a normal test
 * run this replays the inputs under {@code IsoFuzzTestInputs/walk} (seeds made by {@link IsoFuzzSeeds}, plus any
 * crash kept as a regression input); {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class IsoFuzzTest {
    /** The seeds are whole, valid volumes in each namespace, so the fuzzer starts deep inside the format. */
    @ParameterizedTest
    @CsvSource({"rock-ridge.iso, ROCK_RIDGE, 20, /links/long-link", "joliet.iso, JOLIET, 16, /d/b.bin",
        "plain.iso, PLAIN, 13, /D/B.BIN"})
    void seedsAreValidVolumes(String seed, Namespace namespace, int entries, String path) throws IOException {
        byte[] data;
        try (InputStream in = getClass().getResourceAsStream("IsoFuzzTestInputs/walk/" + seed)) {
            data = in.readAllBytes();
        }
        try (IsoFileSystem fs = IsoFileSystem.open(new MemoryBlockDevice(data))) {
            assertEquals(namespace, fs.volume().namespace());
            SortedMap<String, String> tree = BoundedWalk.of(fs);
            assertEquals(entries, tree.size(), tree::toString);
            assertTrue(tree.containsKey(path), tree::toString);
        }
    }

    @FuzzTest(maxDuration = "60s")
    void walk(byte[] data) {
        MemoryBlockDevice dev = new MemoryBlockDevice(data);
        IsoReader reader = new IsoReader();
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
