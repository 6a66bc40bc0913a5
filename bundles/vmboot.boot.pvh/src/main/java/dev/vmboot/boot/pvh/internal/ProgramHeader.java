package dev.vmboot.boot.pvh.internal;

/**
 * One ELF program header (System V gABI, "Program Header"; Elf32_Phdr / Elf64_Phdr), widened to 64 bits.
 *
 * @param index  position in the program header table, for messages
 * @param type   p_type ({@link #PT_LOAD}, {@link #PT_NOTE}, ...)
 * @param offset p_offset: file offset of the segment
 * @param vaddr  p_vaddr
 * @param paddr  p_paddr: where a PVH loader puts it
 * @param filesz p_filesz: bytes in the file
 * @param memsz  p_memsz: bytes in memory (the rest is zero)
 * @param align  p_align
 */
record ProgramHeader(int index, int type, long offset, long vaddr, long paddr, long filesz, long memsz, long align) {

    static final int PT_LOAD = 1;
    static final int PT_NOTE = 4;

    long paddrEnd() {
        return paddr + memsz;
    }
}
