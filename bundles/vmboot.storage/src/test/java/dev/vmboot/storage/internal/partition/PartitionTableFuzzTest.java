package dev.vmboot.storage.internal.partition;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.vmboot.api.fs.CorruptFilesystemException;
import dev.vmboot.api.storage.Partition;
import dev.vmboot.api.storage.PartitionTable;
import dev.vmboot.testkit.MemoryBlockDevice;

/**
 * Arbitrary bytes as a whole disk: the table reader either answers with partitions that lie on the disk or throws
 * {@link CorruptFilesystemException}; nothing else (no unchecked exception, no read past the end, no hang).
 * Seeds: {@code src/test/resources/.../PartitionTableFuzzTestInputs/<method>/}. Fuzz for real with
 * {@code JAZZER_FUZZ=1 mvn -o test -Dtest=PartitionTableFuzzTest#gpt}.
 */
class PartitionTableFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void gpt(byte[] disk) throws IOException {
        check(disk, 512);
    }

    @FuzzTest(maxDuration = "60s")
    void gpt4096(byte[] disk) throws IOException {
        check(disk, 4096);
    }

    @FuzzTest(maxDuration = "60s")
    void mbr(byte[] disk) throws IOException {
        check(disk, 512);
    }

    /** The committed seeds are real tables, so the fuzzer starts from inputs that reach deep into the parsers. */
    @Test
    void seedsAreValidTables() throws IOException {
        PartitionTable gpt = PartitionTableReader.read(new MemoryBlockDevice(seed("gpt/two-partitions"), 512));
        assertEquals(List.of(), gpt.warnings());
        assertEquals(List.of("ESP", "root"), gpt.partitions().stream().map(Partition::label).toList());
        PartitionTable gpt4k = PartitionTableReader.read(new MemoryBlockDevice(seed("gpt4096/two-partitions"),
                4096));
        assertEquals(List.of(), gpt4k.warnings());
        assertEquals(6 * 4096L, gpt4k.partitions().get(0).offset());
        PartitionTable mbr = PartitionTableReader.read(new MemoryBlockDevice(seed("mbr/logical"), 512));
        assertEquals(List.of(), mbr.warnings());
        assertEquals(List.of(1, 5, 6), mbr.partitions().stream().map(Partition::number).toList());
    }

    private static byte[] seed(String name) throws IOException {
        try (InputStream in = PartitionTableFuzzTest.class.getResourceAsStream("PartitionTableFuzzTestInputs/"
                + name)) {
            return in.readAllBytes();
        }
    }

    private static void check(byte[] disk, int sectorSize) throws IOException {
        PartitionTable table;
        try {
            table = PartitionTableReader.read(new MemoryBlockDevice(disk, sectorSize));
        } catch (CorruptFilesystemException expected) {
            return;
        }
        for (Partition p : table.partitions()) {
            if (p.offset() < 0 || p.length() <= 0 || p.offset() + p.length() > disk.length) {
                throw new AssertionError("partition outside the disk: " + p);
            }
        }
    }
}
