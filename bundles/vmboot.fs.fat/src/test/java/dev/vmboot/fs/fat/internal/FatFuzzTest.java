package dev.vmboot.fs.fat.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.vmboot.api.fs.CorruptFilesystemException;
import dev.vmboot.api.fs.FileSystem;
import dev.vmboot.api.fs.FsPaths;
import dev.vmboot.testkit.BoundedWalk;
import dev.vmboot.testkit.MemoryBlockDevice;

/**
 * Opens a FAT volume over arbitrary bytes and walks everything; only IOException may come out. In a normal test run
 * this replays the inputs under {@code FatFuzzTestInputs/walk} (seeds made by {@link FatFuzzSeeds}, plus any crash
 * kept as a regression input); {@code JAZZER_FUZZ=1} fuzzes for real.
 *
 * <p>The input is the start of a sparse {@value #DEVICE_BYTES}-byte device whose remaining bytes are zeros: a FAT16
 * volume needs at least 4085 clusters (2 MiB), so a seed stores its volume without the trailing zero sectors, and the
 * reader's refusal of a volume larger than its device is still reached by a fuzzed sector count.
 */
class FatFuzzTest {
    /** Room for any FAT12/16 volume of 512-byte clusters and for a small FAT32 (at least 65525 clusters). */
    static final long DEVICE_BYTES = 64L << 20;

    static MemoryBlockDevice device(byte[] input) {
        return MemoryBlockDevice.sparse(input, DEVICE_BYTES);
    }

    /** The seeds are whole, valid volumes, so the fuzzer starts deep inside the format. */
    @ParameterizedTest
    @ValueSource(strings = {"fat12.img", "fat16.img"})
    void seedsAreValidVolumes(String seed) throws IOException {
        byte[] data;
        try (InputStream in = getClass().getResourceAsStream("FatFuzzTestInputs/walk/" + seed)) {
            data = in.readAllBytes();
        }
        assertTrue(data.length < 20_000, seed + " is " + data.length + " bytes");
        try (FileSystem fs = new FatReader().open(device(data))) {
            var tree = BoundedWalk.of(fs);
            assertEquals(6, tree.size(), tree::toString);
            assertTrue(tree.containsKey("/Sub/Long File Name.bin") && tree.containsKey("/Ελληνικά.txt"),
                    tree::toString);
            assertEquals(seed.startsWith("fat12") ? "SEED12" : "SEED16", fs.label());
        }
        CorruptFilesystemException cut = assertThrows(CorruptFilesystemException.class,
                () -> new FatReader().open(new MemoryBlockDevice(data)), "without its zero tail");
        assertTrue(cut.getMessage().contains("truncated image"), cut.getMessage());
    }

    @FuzzTest(maxDuration = "60s")
    void walk(byte[] data) {
        MemoryBlockDevice dev = device(data);
        FatReader reader = new FatReader();
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
