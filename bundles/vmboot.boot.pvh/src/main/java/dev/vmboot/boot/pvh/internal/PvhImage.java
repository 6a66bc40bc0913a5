package dev.vmboot.boot.pvh.internal;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;

import dev.vmboot.api.boot.BootException;

/**
 * An ELF image that can be started through PVH: its PT_LOAD segments (loaded at p_paddr, as the PVH ABI's "the
 * kernel is loaded at its physical addresses" and cloud-hypervisor's linux-loader do) and the entry from the
 * {@code XEN_ELFNOTE_PHYS32_ENTRY} note. Structural checks happen here; whether the segments fit the guest's RAM is
 * checked when loading.
 *
 * @param elf      the parsed headers
 * @param segments PT_LOAD segments with a non-zero memory size, by address
 * @param entry    the 32-bit PVH entry point
 */
record PvhImage(ElfFile elf, List<ProgramHeader> segments, long entry) {

    static PvhImage parse(ByteBuffer image) throws BootException {
        ElfFile elf = ElfFile.parse(image);
        OptionalLong entry = PvhNote.entry(elf, image);
        if (entry.isEmpty()) {
            throw new BootException("ELF image has no XEN_ELFNOTE_PHYS32_ENTRY note, so it cannot be started "
                    + "through PVH");
        }
        long fileSize = image.capacity();
        List<ProgramHeader> segments = new ArrayList<>();
        for (ProgramHeader ph : elf.programHeaders()) {
            if (ph.type() != ProgramHeader.PT_LOAD) {
                continue;
            }
            ElfFile.checkInFile(ph, fileSize);
            if (ph.memsz() < 0 || ph.filesz() > ph.memsz()) {
                throw new BootException(String.format(
                        "ELF program header %d: p_filesz 0x%x is larger than p_memsz 0x%x", ph.index(), ph.filesz(),
                        ph.memsz()));
            }
            if (ph.memsz() == 0) {
                continue;
            }
            if (ph.paddr() < PvhLayout.HIGH_RAM_START || ph.paddr() > PvhLayout.MAX_PHYSICAL_ADDRESS - ph.memsz()) {
                throw new BootException(String.format(
                        "ELF program header %d: segment [0x%x, +0x%x) must lie between 1 MiB (above the boot "
                                + "structures) and 2^52", ph.index(), ph.paddr(), ph.memsz()));
            }
            segments.add(ph);
        }
        if (segments.isEmpty()) {
            throw new BootException("ELF image has no PT_LOAD segment to load");
        }
        segments.sort(Comparator.comparingLong(ProgramHeader::paddr));
        for (int i = 1; i < segments.size(); i++) {
            ProgramHeader a = segments.get(i - 1);
            ProgramHeader b = segments.get(i);
            if (b.paddr() < a.paddrEnd()) {
                throw new BootException(String.format(
                        "ELF program headers %d [0x%x, 0x%x) and %d [0x%x, 0x%x) overlap in physical memory",
                        a.index(), a.paddr(), a.paddrEnd(), b.index(), b.paddr(), b.paddrEnd()));
            }
        }
        long e = entry.getAsLong();
        if (segments.stream().noneMatch(s -> e >= s.paddr() && e < s.paddr() + s.filesz())) {
            throw new BootException(String.format("PVH entry point 0x%x is not inside any loaded segment", e));
        }
        return new PvhImage(elf, List.copyOf(segments), e);
    }

    /** One past the highest byte any segment occupies. */
    long end() {
        return segments.get(segments.size() - 1).paddrEnd();
    }
}
