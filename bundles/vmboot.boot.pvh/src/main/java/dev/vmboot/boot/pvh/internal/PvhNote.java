package dev.vmboot.boot.pvh.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.OptionalLong;

import dev.vmboot.api.boot.BootException;

/**
 * Finds the PVH entry point: the {@code XEN_ELFNOTE_PHYS32_ENTRY} note (type 18, owner "Xen";
 * xen/include/public/elfnote.h) in the image's PT_NOTE segments. Notes (gABI "Note Section") are a 12-byte header
 * (namesz, descsz, type), the name and the descriptor, each padded to the segment's note alignment: 4 bytes, or 8
 * when p_align is 8 (the gABI allows both; Linux and EDK2 use 4).
 */
final class PvhNote {

    /** xen/include/public/elfnote.h: XEN_ELFNOTE_PHYS32_ENTRY, the 32-bit physical entry point. */
    static final int XEN_ELFNOTE_PHYS32_ENTRY = 18;
    private static final byte[] XEN_NAME = {'X', 'e', 'n', 0};
    private static final int NOTE_HEADER = 12;

    private PvhNote() {
    }

    /** The PVH entry address, or empty when the image has no such note. */
    static OptionalLong entry(ElfFile elf, ByteBuffer image) throws BootException {
        ByteBuffer b = image.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        long fileSize = b.capacity();
        OptionalLong found = OptionalLong.empty();
        for (ProgramHeader ph : elf.programHeaders()) {
            if (ph.type() != ProgramHeader.PT_NOTE) {
                continue;
            }
            ElfFile.checkInFile(ph, fileSize);
            int align = noteAlignment(ph);
            long at = ph.offset();
            long end = ph.offset() + ph.filesz();
            // every note is at least 12 bytes long, so this loop runs at most filesz / 12 times
            while (end - at >= NOTE_HEADER) {
                long namesz = Integer.toUnsignedLong(b.getInt((int) at));
                long descsz = Integer.toUnsignedLong(b.getInt((int) at + 4));
                int type = b.getInt((int) at + 8);
                long nameAt = at + NOTE_HEADER;
                long descAt = nameAt + pad(namesz, align);
                long next = descAt + pad(descsz, align);
                if (pad(namesz, align) > end - nameAt || descsz > end - descAt) {
                    throw new BootException(String.format(
                            "ELF note at file offset 0x%x: name size %d and descriptor size %d run past the end of "
                                    + "PT_NOTE segment %d (0x%x)", at, namesz, descsz, ph.index(), end));
                }
                if (type == XEN_ELFNOTE_PHYS32_ENTRY && isXen(b, nameAt, namesz)) {
                    long entry = switch ((int) descsz) {
                        case 4 -> Integer.toUnsignedLong(b.getInt((int) descAt));
                        case 8 -> b.getLong((int) descAt);
                        default -> throw new BootException(String.format(
                                "ELF note at file offset 0x%x: XEN_ELFNOTE_PHYS32_ENTRY has a %d-byte descriptor, "
                                        + "not 4 or 8", at, descsz));
                    };
                    if (entry <= 0 || entry > 0xFFFF_FFFFL) {
                        throw new BootException(String.format(
                                "PVH entry point 0x%x is not a 32-bit physical address", entry));
                    }
                    if (found.isPresent() && found.getAsLong() != entry) {
                        throw new BootException(String.format("two PVH entry notes disagree: 0x%x and 0x%x",
                                found.getAsLong(), entry));
                    }
                    found = OptionalLong.of(entry);
                }
                at = next;
            }
        }
        return found;
    }

    private static int noteAlignment(ProgramHeader ph) throws BootException {
        if (ph.align() <= 4) {
            return 4;
        }
        if (ph.align() == 8) {
            return 8;
        }
        throw new BootException("PT_NOTE segment " + ph.index() + " has alignment " + ph.align()
                + "; notes are aligned to 4 or 8 bytes");
    }

    private static long pad(long n, int align) {
        return (n + align - 1) & -(long) align;
    }

    private static boolean isXen(ByteBuffer b, long at, long namesz) {
        if (namesz != XEN_NAME.length) {
            return false;
        }
        for (int i = 0; i < XEN_NAME.length; i++) {
            if (b.get((int) at + i) != XEN_NAME[i]) {
                return false;
            }
        }
        return true;
    }
}
