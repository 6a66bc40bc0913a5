package dev.vmboot.testkit;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A minimal PVH kernel: an ELF64 executable with one PT_LOAD segment holding flat 32-bit code and a PT_NOTE segment
 * with the {@code XEN_ELFNOTE_PHYS32_ENTRY} note that both vmboot's PVH boot protocol and QEMU's {@code -kernel}
 * look for. Layouts from the System V gABI (ELF header, program header, note) and xen/include/public/elfnote.h.
 */
public final class PvhElfImage {
    private static final int EHDR_SIZE = 64;
    private static final int PHDR_SIZE = 56;
    private static final int PT_LOAD = 1;
    private static final int PT_NOTE = 4;
    private static final int PF_RWX = 7;
    private static final short ET_EXEC = 2;
    private static final short EM_X86_64 = 62;
    /** xen/include/public/elfnote.h. */
    private static final int XEN_ELFNOTE_PHYS32_ENTRY = 18;
    /** The code's file offset: congruent to its address modulo the page size, as PT_LOAD requires. */
    private static final int CODE_OFFSET = 0x1000;

    private PvhElfImage() {
    }

    /** An image that loads {@code code} at {@code address} (page-aligned, below 4 GiB) and enters it there. */
    public static byte[] of(long address, byte[] code) {
        if ((address & 0xFFF) != 0 || address <= 0 || address + code.length > 0x1_0000_0000L) {
            throw new IllegalArgumentException("entry 0x" + Long.toHexString(address));
        }
        int noteOffset = EHDR_SIZE + 2 * PHDR_SIZE;
        int noteSize = 12 + 4 + 4; // header, "Xen\0", 4-byte entry
        ByteBuffer b = ByteBuffer.allocate(CODE_OFFSET + code.length).order(ByteOrder.LITTLE_ENDIAN);
        // Elf64_Ehdr: e_ident (ELFCLASS64, ELFDATA2LSB, EV_CURRENT), then type, machine, version, entry, phoff,
        // shoff, flags, ehsize, phentsize, phnum, shentsize, shnum, shstrndx.
        b.put(new byte[] {0x7F, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        b.putShort(ET_EXEC).putShort(EM_X86_64).putInt(1).putLong(address).putLong(EHDR_SIZE).putLong(0).putInt(0);
        b.putShort((short) EHDR_SIZE).putShort((short) PHDR_SIZE).putShort((short) 2);
        b.putShort((short) 64).putShort((short) 0).putShort((short) 0);
        // Elf64_Phdr: type, flags, offset, vaddr, paddr, filesz, memsz, align.
        b.putInt(PT_LOAD).putInt(PF_RWX).putLong(CODE_OFFSET).putLong(address).putLong(address)
                .putLong(code.length).putLong(code.length).putLong(0x1000);
        b.putInt(PT_NOTE).putInt(4).putLong(noteOffset).putLong(0).putLong(0).putLong(noteSize).putLong(0)
                .putLong(4);
        b.putInt(4).putInt(4).putInt(XEN_ELFNOTE_PHYS32_ENTRY).put(new byte[] {'X', 'e', 'n', 0})
                .putInt((int) address);
        b.position(CODE_OFFSET);
        b.put(code);
        return b.array();
    }
}
