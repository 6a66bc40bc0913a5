package dev.vmboot.storage.internal.scan;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import dev.vmboot.api.boot.ImageKind;

/**
 * Just enough ELF (System V ABI gABI, "ELF Header" and "Program Header") to tell an executable with a Xen PVH entry
 * note from one without: the program headers are read and every PT_NOTE segment searched for a note named "Xen" of
 * type {@code XEN_ELFNOTE_PHYS32_ENTRY}.
 */
final class ElfImage {
    /** e_ident: 0x7F 'E' 'L' 'F'. */
    static final byte[] MAGIC = {0x7F, 'E', 'L', 'F'};
    private static final int ELFCLASS32 = 1;
    private static final int ELFCLASS64 = 2;
    private static final int ELFDATA2LSB = 1;
    private static final int ET_EXEC = 2;
    private static final int ET_DYN = 3;
    private static final int PT_NOTE = 4;
    /** xen/include/public/elfnote.h: XEN_ELFNOTE_PHYS32_ENTRY, the 32-bit PVH entry point. */
    static final int XEN_ELFNOTE_PHYS32_ENTRY = 18;
    /** Bounds: program headers looked at, and bytes of one PT_NOTE segment read. */
    private static final int MAX_PROGRAM_HEADERS = 512;
    private static final int MAX_NOTE_SEGMENT = 64 * 1024;

    private ElfImage() {
    }

    static boolean hasMagic(byte[] head) {
        return head.length >= 4 && head[0] == MAGIC[0] && head[1] == MAGIC[1] && head[2] == MAGIC[2]
                && head[3] == MAGIC[3];
    }

    /**
     * {@link ImageKind#PVH_ELF}, {@link ImageKind#ELF} for an executable or shared object without the note, and
     * {@link ImageKind#UNKNOWN} for anything else (object files, GRUB modules, truncated headers).
     */
    static ImageKind classify(byte[] head, ContentReader content) throws IOException {
        if (!hasMagic(head) || head.length < 52) {
            return ImageKind.UNKNOWN;
        }
        int elfClass = head[4];
        if (elfClass != ELFCLASS32 && elfClass != ELFCLASS64 || head[5] != ELFDATA2LSB) {
            return ImageKind.UNKNOWN; // x86 images are little-endian
        }
        boolean is64 = elfClass == ELFCLASS64;
        if (is64 && head.length < 64) {
            return ImageKind.UNKNOWN;
        }
        ByteBuffer h = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
        int type = Short.toUnsignedInt(h.getShort(16));
        if (type != ET_EXEC && type != ET_DYN) {
            return ImageKind.UNKNOWN;
        }
        long phoff = is64 ? h.getLong(32) : Integer.toUnsignedLong(h.getInt(28));
        int phentsize = Short.toUnsignedInt(h.getShort(is64 ? 54 : 42));
        int phnum = Short.toUnsignedInt(h.getShort(is64 ? 56 : 44));
        int minEntry = is64 ? 56 : 32;
        if (phnum == 0 || phnum > MAX_PROGRAM_HEADERS || phentsize < minEntry || phoff < 0) {
            return ImageKind.ELF;
        }
        byte[] table = content.read(phoff, phnum * phentsize);
        ByteBuffer ph = ByteBuffer.wrap(table).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < phnum && (i + 1) * phentsize <= table.length; i++) {
            int at = i * phentsize;
            if (ph.getInt(at) != PT_NOTE) {
                continue;
            }
            long offset = is64 ? ph.getLong(at + 8) : Integer.toUnsignedLong(ph.getInt(at + 4));
            long size = is64 ? ph.getLong(at + 32) : Integer.toUnsignedLong(ph.getInt(at + 16));
            if (offset < 0 || size <= 0) {
                continue;
            }
            if (hasPvhNote(content.read(offset, (int) Math.min(size, MAX_NOTE_SEGMENT)))) {
                return ImageKind.PVH_ELF;
            }
        }
        return ImageKind.ELF;
    }

    /** Walks the notes of one segment (gABI "Note Section": namesz, descsz, type, name and desc padded to 4). */
    static boolean hasPvhNote(byte[] notes) {
        ByteBuffer b = ByteBuffer.wrap(notes).order(ByteOrder.LITTLE_ENDIAN);
        int at = 0;
        while (at + 12 <= notes.length) {
            long namesz = Integer.toUnsignedLong(b.getInt(at));
            long descsz = Integer.toUnsignedLong(b.getInt(at + 4));
            int type = b.getInt(at + 8);
            long name = at + 12L;
            long desc = name + align4(namesz);
            long next = desc + align4(descsz);
            if (next > notes.length) {
                return false;
            }
            if (type == XEN_ELFNOTE_PHYS32_ENTRY && namesz == 4 && descsz >= 4 && notes[(int) name] == 'X'
                    && notes[(int) name + 1] == 'e' && notes[(int) name + 2] == 'n' && notes[(int) name + 3] == 0) {
                return true;
            }
            at = (int) next;
        }
        return false;
    }

    private static long align4(long n) {
        return (n + 3) & ~3L;
    }
}
