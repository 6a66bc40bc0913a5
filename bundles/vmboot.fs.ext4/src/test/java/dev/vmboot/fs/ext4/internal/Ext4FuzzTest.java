package dev.vmboot.fs.ext4.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.util.SortedMap;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.vmboot.api.fs.FileSystem;
import dev.vmboot.testkit.BoundedWalk;
import dev.vmboot.testkit.MemoryBlockDevice;

/**
 * Opens an ext2/3/4 filesystem over arbitrary bytes and walks everything; only IOException may come out. In a normal
 * test run this replays the inputs under {@code Ext4FuzzTestInputs/walk} (seeds made by {@link Ext4FuzzSeeds}, plus
 * any crash kept as a regression input); {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class Ext4FuzzTest {
    /** The seeds are whole, valid filesystems, so the fuzzer starts deep inside the format. */
    @ParameterizedTest
    @ValueSource(strings = {"ext4-csum.img", "ext2.img", "ext4-inline.img"})
    void seedsAreValidFilesystems(String seed) throws IOException {
        byte[] data;
        try (InputStream in = getClass().getResourceAsStream("Ext4FuzzTestInputs/walk/" + seed)) {
            data = in.readAllBytes();
        }
        try (FileSystem fs = new Ext4Reader().open(new MemoryBlockDevice(data))) {
            SortedMap<String, String> tree = BoundedWalk.of(fs);
            assertTrue(tree.size() == 7 && tree.containsKey("/long") && tree.containsKey("/dir/b.bin"),
                    tree::toString);
        }
    }

    @FuzzTest(maxDuration = "60s")
    void walk(byte[] data) {
        MemoryBlockDevice dev = new MemoryBlockDevice(data);
        Ext4Reader reader = new Ext4Reader();
        try {
            reader.probe(dev);
            try (FileSystem fs = reader.open(dev)) {
                BoundedWalk.of(fs);
            }
        } catch (IOException expected) {
            // corrupt input, reported cleanly
        }
    }
}
