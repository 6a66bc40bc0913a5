package dev.vmboot.boot.pvh.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import dev.vmboot.api.boot.BootException;

/** Malformed images are refused with a BootException that says what is wrong, never an unchecked exception. */
class MalformedElfTest {

    private static byte[] good() {
        return TestElf.pvh(0x100_0000).segment(TestElf.Segment.of(0x100_0000, 0x200, 0x400)).build();
    }

    private static String refused(byte[] elf) {
        BootException e = assertThrows(BootException.class, () -> PvhImage.parse(ByteBuffer.wrap(elf)));
        return e.getMessage();
    }

    private static void assertRefused(byte[] elf, String expected) {
        String message = refused(elf);
        assertTrue(message.contains(expected), () -> "expected '" + expected + "' in: " + message);
    }

    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void theGoodImageParses() throws BootException {
        PvhImage p = PvhImage.parse(ByteBuffer.wrap(good()));
        assertEquals(0x100_0000, p.entry());
        assertEquals(1, p.segments().size());
        assertEquals(0x100_0400, p.end());
    }

    @Test
    void truncatedHeadersAreRefused() {
        byte[] elf = good();
        assertRefused(Arrays.copyOf(elf, 3), "not an ELF file");
        assertRefused(Arrays.copyOf(elf, 40), "header truncated");
        assertRefused(Arrays.copyOf(elf, 60), "ELF64 header truncated");
        assertRefused(Arrays.copyOf(elf, 64 + 56), "program header table");
        assertRefused(Arrays.copyOf(elf, 64 + 2 * 56 + 4), "outside the"); // PT_NOTE cut short
        assertRefused(Arrays.copyOf(elf, elf.length - 1), "outside the");
    }

    @Test
    void badIdentificationIsRefused() {
        byte[] elf = good();
        elf[4] = 3;
        assertRefused(elf, "EI_CLASS");
        elf = good();
        elf[5] = 2;
        assertRefused(elf, "little-endian");
        elf = good();
        elf[6] = 0;
        assertRefused(elf, "EI_VERSION");
        elf = good();
        le(elf).putShort(16, (short) 1); // ET_REL
        assertRefused(elf, "e_type");
        assertRefused(TestElf.pvh(0x100_0000).machine(40).segment(TestElf.Segment.of(0x100_0000, 16, 16)).build(),
                "e_machine 40");
    }

    @Test
    void programHeaderCountsAndSizesAreBounded() {
        byte[] elf = good();
        le(elf).putShort(56, (short) 0xFFFF); // PN_XNUM
        assertRefused(elf, "e_phnum 65535");
        elf = good();
        le(elf).putShort(56, (short) 2000);
        assertRefused(elf, "e_phnum 2000");
        elf = good();
        le(elf).putShort(56, (short) 0);
        assertRefused(elf, "no program headers");
        elf = good();
        le(elf).putShort(54, (short) 40);
        assertRefused(elf, "e_phentsize 40");
        elf = good();
        le(elf).putLong(32, Long.MAX_VALUE - 10); // e_phoff overflowing
        assertRefused(elf, "program header table");
        elf = good();
        le(elf).putLong(32, -64); // e_phoff negative as signed
        assertRefused(elf, "program header table");
    }

    @Test
    void segmentsMustLieInTheFileAndFitTheirMemorySize() {
        byte[] elf = good();
        le(elf).putLong(64 + 8, elf.length); // p_offset at the end, p_filesz 0x200
        assertRefused(elf, "outside the");
        elf = good();
        le(elf).putLong(64 + 40, 0x100); // p_memsz below p_filesz 0x200
        assertRefused(elf, "p_filesz");
        elf = good();
        le(elf).putLong(64 + 40, -1L); // p_memsz 2^64 - 1
        assertRefused(elf, "p_filesz");
        elf = good();
        le(elf).putLong(64 + 24, 0x000F_FFFF_FFFF_FF00L); // p_paddr + p_memsz beyond 2^52
        assertRefused(elf, "between 1 MiB");
    }

    @Test
    void overlappingSegmentsAreRefused() {
        byte[] elf = TestElf.pvh(0x100_0000).segment(TestElf.Segment.of(0x100_0000, 0x100, 0x2000))
                .segment(TestElf.Segment.of(0x100_1000, 0x100, 0x100)).build();
        assertRefused(elf, "overlap");
    }

    @Test
    void segmentsBelowOneMibWouldOverwriteBootStructures() {
        byte[] elf = TestElf.pvh(0x6000).segment(TestElf.Segment.of(0x6000, 0x100, 0x100)).build();
        assertRefused(elf, "between 1 MiB");
    }

    @Test
    void noteProblemsAreRefused() {
        // descsz far beyond the segment
        byte[] elf = good();
        int noteAt = 64 + 2 * 56;
        le(elf).putInt(noteAt + 4, 0x7FFF_FFFF);
        assertRefused(elf, "run past the end");
        // namesz of 2^32 - 1
        elf = good();
        le(elf).putInt(noteAt, -1);
        assertRefused(elf, "run past the end");
        // a PVH note with a 2-byte descriptor
        assertRefused(new TestElf().entry(0x100_0000)
                .note(TestElf.note("Xen", 18, new byte[] {1, 0}, 4))
                .segment(TestElf.Segment.of(0x100_0000, 16, 16)).build(), "2-byte descriptor");
        // entry zero
        assertRefused(TestElf.pvh(0).segment(TestElf.Segment.of(0x100_0000, 16, 16)).build(), "not a 32-bit");
        // 64-bit descriptor above 4 GiB
        assertRefused(new TestElf().note(TestElf.note("Xen", 18, TestElf.le64(0x1_0000_0000L), 4))
                .segment(TestElf.Segment.of(0x100_0000, 16, 16)).build(), "not a 32-bit");
        // two notes that disagree
        assertRefused(TestElf.pvh(0x100_0000).note(TestElf.note("Xen", 18, TestElf.le32(0x100_0004), 4))
                .segment(TestElf.Segment.of(0x100_0000, 16, 16)).build(), "disagree");
        // entry outside the loaded bytes
        assertRefused(TestElf.pvh(0x300_0000).segment(TestElf.Segment.of(0x100_0000, 16, 16)).build(),
                "not inside any loaded segment");
        // odd note alignment
        assertRefused(TestElf.pvh(0x100_0000).noteAlign(16).segment(TestElf.Segment.of(0x100_0000, 16, 16))
                .build(), "alignment 16");
        // no PVH note at all (only other Xen and GNU notes)
        assertRefused(new TestElf().note(TestElf.note("Xen", 6, "linux".getBytes(), 4))
                .note(TestElf.note("GNU", 18, TestElf.le32(0x100_0000), 4))
                .segment(TestElf.Segment.of(0x100_0000, 16, 16)).build(), "no XEN_ELFNOTE_PHYS32_ENTRY");
        // no PT_LOAD
        assertRefused(TestElf.pvh(0x100_0000).build(), "no PT_LOAD");
    }

    @Test
    void notesAfterOthersAndEightByteAlignmentAreFound() throws BootException {
        byte[] elf = new TestElf().note(TestElf.note("Xen", 6, "linux\0".getBytes(), 8))
                .note(TestElf.note("GNU", 3, new byte[20], 8))
                .note(TestElf.note("Xen", 18, TestElf.le64(0x100_0008), 8)).noteAlign(8)
                .segment(TestElf.Segment.of(0x100_0000, 16, 16)).build();
        assertEquals(0x100_0008, PvhImage.parse(ByteBuffer.wrap(elf)).entry());
    }
}
