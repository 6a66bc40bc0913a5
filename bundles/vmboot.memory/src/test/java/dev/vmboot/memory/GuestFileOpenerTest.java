package dev.vmboot.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.vmboot.api.memory.GuestFile;
import dev.vmboot.api.memory.MemoryRegion;

/**
 * {@link RegionGuestMemory#openForReads}: nothing until the owner of the mappings gives an opener, then what it opens,
 * its failure passed on, and nothing again once the memory is unmapped.
 */
class GuestFileOpenerTest {
    private static final GuestFile NONE = new GuestFile() {
        @Override
        public long read(long position, long[] addresses, long[] lengths, int count) {
            return 0;
        }

        @Override
        public void close() {
        }
    };

    @Test
    void heapMemoryOpensNothingUntilGivenAnOpener() throws IOException {
        RegionGuestMemory memory = RegionGuestMemory.onHeap(new MemoryRegion(0, 1 << 20, false));
        assertTrue(memory.openForReads(Path.of("/dev/null")).isEmpty());

        List<Path> asked = new ArrayList<>();
        memory.fileOpener(path -> {
            asked.add(path);
            return NONE;
        });
        assertSame(NONE, memory.openForReads(Path.of("disk.img")).orElseThrow());
        assertEquals(List.of(Path.of("disk.img")), asked);

        memory.unmapAll();
        assertTrue(memory.openForReads(Path.of("disk.img")).isEmpty(), "unmapped memory opens nothing");
    }

    @Test
    void theOpenersFailureIsPassedOn() {
        RegionGuestMemory memory = RegionGuestMemory.onHeap(new MemoryRegion(0, 1 << 20, false));
        memory.fileOpener(path -> {
            throw new IOException("cannot open " + path);
        });
        assertThrows(IOException.class, () -> memory.openForReads(Path.of("missing.img")));
    }
}
