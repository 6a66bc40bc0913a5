package dev.vmboot.fs.iso9660.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

/** File offsets to device offsets, contiguous and interleaved (ECMA-119 6.4.3), over several sections. */
class FileSectionTest {

    @Test
    void interleavedSectionSkipsItsGaps() {
        FileSection s = new FileSection(100 * 2048L, 7 * 2048L + 5, 2, 3);
        assertEquals(100 * 2048L, s.deviceOffset(0));
        assertEquals(101 * 2048L + 7, s.deviceOffset(2048 + 7));
        assertEquals(105 * 2048L, s.deviceOffset(2 * 2048));
        assertEquals(2 * 2048L - 10, s.contiguous(10));
        assertEquals(2048, s.contiguous(3 * 2048));
        // block 7 (the 8th) is the second of unit 3: 100 + 3 * 5 + 1
        assertEquals(116 * 2048L + 5, s.deviceEnd());
    }

    @Test
    void extentsFindTheirSectionAndSkipEmptyOnes() {
        FileExtents e = new FileExtents(List.of(new FileSection(10 * 2048L, 4096, 0, 0),
                new FileSection(0, 0, 0, 0), new FileSection(50 * 2048L, 1000, 0, 0)));
        assertEquals(5096, e.size());
        assertEquals(10 * 2048L + 4095, e.deviceOffset(4095));
        assertEquals(50 * 2048L, e.deviceOffset(4096));
        assertEquals(2, e.sectionAt(4096));
        assertEquals(1, e.contiguous(4095));
        assertEquals(1000, e.contiguous(4096));
    }
}
