package dev.vmboot.boot.pvh.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import dev.vmboot.api.boot.BootException;

/**
 * The ELF header and program header table of an x86 image (System V gABI 4.1, "ELF Header" and "Program Header";
 * Elf32_Ehdr is 52 bytes with 32-byte program headers, Elf64_Ehdr 64 bytes with 56-byte ones). Everything read is
 * checked against the file size; a malformed file is a {@link BootException}.
 *
 * @param elf64          ELFCLASS64
 * @param machine        e_machine
 * @param entry          e_entry
 * @param programHeaders the program header table
 */
record ElfFile(boolean elf64, int machine, long entry, List<ProgramHeader> programHeaders) {

    static final int EI_CLASS = 4;
    static final int EI_DATA = 5;
    static final int EI_VERSION = 6;
    static final int ELFCLASS32 = 1;
    static final int ELFCLASS64 = 2;
    static final int ELFDATA2LSB = 1;
    static final int EV_CURRENT = 1;
    static final int ET_EXEC = 2;
    static final int ET_DYN = 3;
    static final int EM_386 = 3;
    static final int EM_X86_64 = 62;
    static final int ELF32_HEADER_SIZE = 52;
    static final int ELF64_HEADER_SIZE = 64;
    static final int ELF32_PHDR_SIZE = 32;
    static final int ELF64_PHDR_SIZE = 56;
    /** PN_XNUM: the real count lives in section header 0 (extended numbering); no boot image needs it. */
    static final int PN_XNUM = 0xFFFF;
    /**
     * More program headers than any kernel or firmware image has (vmlinux has 5, CloudHv 2); bounds the work a
     * hostile file can cause.
     */
    static final int MAX_PROGRAM_HEADERS = 1024;

    private static final byte[] MAGIC = {0x7F, 'E', 'L', 'F'};

    /** Whether {@code image} starts with the ELF magic. */
    static boolean hasMagic(ByteBuffer image) {
        if (image.capacity() < MAGIC.length) {
            return false;
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (image.get(i) != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    static ElfFile parse(ByteBuffer image) throws BootException {
        ByteBuffer b = image.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        long size = b.capacity();
        if (!hasMagic(b)) {
            throw new BootException("not an ELF file: no \\x7fELF magic at offset 0");
        }
        if (size < ELF32_HEADER_SIZE) {
            throw new BootException("ELF header truncated: file has " + size + " bytes");
        }
        int cls = b.get(EI_CLASS);
        if (cls != ELFCLASS32 && cls != ELFCLASS64) {
            throw new BootException("ELF e_ident[EI_CLASS] " + cls + " is neither ELFCLASS32 nor ELFCLASS64");
        }
        boolean elf64 = cls == ELFCLASS64;
        if (b.get(EI_DATA) != ELFDATA2LSB) {
            throw new BootException("ELF e_ident[EI_DATA] " + b.get(EI_DATA) + ": x86 images are little-endian");
        }
        if (b.get(EI_VERSION) != EV_CURRENT) {
            throw new BootException("ELF e_ident[EI_VERSION] " + b.get(EI_VERSION) + " is not EV_CURRENT");
        }
        int headerSize = elf64 ? ELF64_HEADER_SIZE : ELF32_HEADER_SIZE;
        if (size < headerSize) {
            throw new BootException("ELF" + (elf64 ? "64" : "32") + " header truncated: file has " + size
                    + " bytes, the header " + headerSize);
        }
        int type = Short.toUnsignedInt(b.getShort(16));
        if (type != ET_EXEC && type != ET_DYN) {
            throw new BootException("ELF e_type " + type + " is not an executable (ET_EXEC/ET_DYN)");
        }
        int machine = Short.toUnsignedInt(b.getShort(18));
        if (machine != EM_X86_64 && machine != EM_386) {
            throw new BootException("ELF e_machine " + machine + " is not x86-64 (62) or i386 (3)");
        }
        long entry;
        long phoff;
        int phentsize;
        int phnum;
        if (elf64) {
            entry = b.getLong(24);
            phoff = b.getLong(32);
            phentsize = Short.toUnsignedInt(b.getShort(54));
            phnum = Short.toUnsignedInt(b.getShort(56));
        } else {
            entry = Integer.toUnsignedLong(b.getInt(24));
            phoff = Integer.toUnsignedLong(b.getInt(28));
            phentsize = Short.toUnsignedInt(b.getShort(42));
            phnum = Short.toUnsignedInt(b.getShort(44));
        }
        int expectedPhentsize = elf64 ? ELF64_PHDR_SIZE : ELF32_PHDR_SIZE;
        if (phnum == 0) {
            throw new BootException("ELF file has no program headers (e_phnum 0)");
        }
        if (phnum == PN_XNUM || phnum > MAX_PROGRAM_HEADERS) {
            throw new BootException("ELF e_phnum " + phnum + " exceeds the " + MAX_PROGRAM_HEADERS
                    + " program headers a boot image may have");
        }
        if (phentsize != expectedPhentsize) {
            throw new BootException("ELF e_phentsize " + phentsize + " is not " + expectedPhentsize);
        }
        long tableBytes = (long) phnum * phentsize;
        if (phoff < 0 || phoff > size || tableBytes > size - phoff) {
            throw new BootException(String.format(
                    "ELF program header table [0x%x, +0x%x) lies outside the %d-byte file", phoff, tableBytes, size));
        }
        List<ProgramHeader> headers = new ArrayList<>(phnum);
        for (int i = 0; i < phnum; i++) {
            int at = (int) (phoff + (long) i * phentsize);
            headers.add(elf64 ? new ProgramHeader(i, b.getInt(at), b.getLong(at + 8), b.getLong(at + 16),
                    b.getLong(at + 24), b.getLong(at + 32), b.getLong(at + 40), b.getLong(at + 48))
                    : new ProgramHeader(i, b.getInt(at), u32(b, at + 4), u32(b, at + 8), u32(b, at + 12),
                            u32(b, at + 16), u32(b, at + 20), u32(b, at + 28)));
        }
        return new ElfFile(elf64, machine, entry, List.copyOf(headers));
    }

    /** Checks that {@code ph}'s file bytes lie inside the file. */
    static void checkInFile(ProgramHeader ph, long fileSize) throws BootException {
        if (ph.offset() < 0 || ph.filesz() < 0 || ph.offset() > fileSize || ph.filesz() > fileSize - ph.offset()) {
            throw new BootException(String.format(
                    "ELF program header %d: file bytes [0x%x, +0x%x) lie outside the %d-byte file", ph.index(),
                    ph.offset(), ph.filesz(), fileSize));
        }
    }

    private static long u32(ByteBuffer b, int at) {
        return Integer.toUnsignedLong(b.getInt(at));
    }
}
