package dev.vmboot.payload;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The parts of an ELF64 little-endian object the payload builder needs: its machine and OS ABI, the program
 * interpreter, the dynamic section's DT_NEEDED, DT_RPATH and DT_RUNPATH strings, and a section's bytes by name (a
 * kernel module's {@code .modinfo}). Layouts: System V gABI "ELF-64 Object File Format" 1.5 and Linux
 * {@code include/uapi/linux/elf.h}. Every offset and size read from the file is checked against the file before use;
 * a file that breaks that is an {@link ElfFormatException}.
 */
public final class ElfFile {
    /** Larger objects are refused (libjvm.so is 24 MiB; a kernel module a few MiB). */
    static final long MAX_FILE_SIZE = 512L << 20;
    /** Strings (library names, paths) longer than this are refused: PATH_MAX, linux/limits.h. */
    static final int MAX_STRING = 4096;

    // e_ident (gABI 4.1 "ELF Identification")
    private static final int EI_CLASS = 4;
    private static final int EI_DATA = 5;
    private static final int EI_OSABI = 7;
    private static final int ELFCLASS64 = 2;
    private static final int ELFDATA2LSB = 1;
    /** OS ABIs that run on Linux: ELFOSABI_NONE (System V) and ELFOSABI_LINUX (GNU), elf.h. */
    private static final int ELFOSABI_NONE = 0;
    private static final int ELFOSABI_GNU = 3;
    /** EM_X86_64, elf.h. */
    public static final int EM_X86_64 = 62;
    private static final int ELF64_EHDR_SIZE = 64;
    private static final int ELF64_PHDR_SIZE = 56;
    private static final int ELF64_SHDR_SIZE = 64;
    private static final int ELF64_DYN_SIZE = 16;
    /** e_phnum value meaning "extended numbering" (gABI): not used by anything packed here, refused. */
    private static final int PN_XNUM = 0xffff;
    // p_type
    private static final int PT_LOAD = 1;
    private static final int PT_DYNAMIC = 2;
    private static final int PT_INTERP = 3;
    // d_tag
    private static final long DT_NULL = 0;
    private static final long DT_NEEDED = 1;
    private static final long DT_STRTAB = 5;
    private static final long DT_STRSZ = 10;
    private static final long DT_RPATH = 15;
    private static final long DT_RUNPATH = 29;
    /** SHT_NOBITS: a section with no bytes in the file (.bss). */
    private static final int SHT_NOBITS = 8;

    private final ByteBuffer buf;
    private final String origin;
    private final int machine;
    private final int osAbi;
    private final Optional<String> interpreter;
    private final List<String> needed;
    private final List<String> rpath;
    private final List<String> runpath;

    private ElfFile(ByteBuffer buf, String origin) throws ElfFormatException {
        this.buf = buf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        this.origin = origin;
        long size = this.buf.capacity();
        if (size < ELF64_EHDR_SIZE || this.buf.getInt(0) != 0x464c457f) { // "\177ELF"
            throw new ElfFormatException(origin + " is not an ELF file");
        }
        if (this.buf.get(EI_CLASS) != ELFCLASS64 || this.buf.get(EI_DATA) != ELFDATA2LSB) {
            throw new ElfFormatException(origin + " is not a 64-bit little-endian ELF file");
        }
        this.osAbi = this.buf.get(EI_OSABI) & 0xff;
        this.machine = u16(18);
        List<String> needs = new ArrayList<>();
        List<String> rp = new ArrayList<>();
        List<String> rup = new ArrayList<>();
        String interp = null;
        long phoff = u64(32);
        int phentsize = u16(54);
        int phnum = u16(56);
        if (phnum == PN_XNUM) {
            throw new ElfFormatException(origin + " uses extended program header numbering");
        }
        if (phnum > 0) {
            if (phentsize < ELF64_PHDR_SIZE) {
                throw new ElfFormatException(origin + " has program headers of " + phentsize + " bytes");
            }
            check(phoff, (long) phentsize * phnum, "its program headers");
            long dynOff = -1;
            long dynSize = 0;
            for (int i = 0; i < phnum; i++) {
                long ph = phoff + (long) i * phentsize;
                int type = this.buf.getInt((int) ph);
                if (type == PT_INTERP) {
                    long off = u64(ph + 8);
                    long len = u64(ph + 32);
                    check(off, len, "its interpreter");
                    interp = string(off, off + len, "its interpreter");
                } else if (type == PT_DYNAMIC) {
                    dynOff = u64(ph + 8);
                    dynSize = u64(ph + 32);
                }
            }
            if (dynOff >= 0) {
                check(dynOff, dynSize, "its dynamic section");
                readDynamic(phoff, phentsize, phnum, dynOff, dynSize, needs, rp, rup);
            }
        }
        this.interpreter = Optional.ofNullable(interp);
        this.needed = List.copyOf(needs);
        this.rpath = List.copyOf(rp);
        this.runpath = List.copyOf(rup);
    }

    /** Reads FILE (mapped, not copied). */
    public static ElfFile read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > MAX_FILE_SIZE) {
                throw new ElfFormatException(file + " is larger than " + (MAX_FILE_SIZE >> 20) + " MiB");
            }
            return new ElfFile(ch.map(FileChannel.MapMode.READ_ONLY, 0, size), file.toString());
        }
    }

    /** Reads an object held in memory (a native library inside a jar); ORIGIN names it in messages. */
    public static ElfFile read(byte[] bytes, String origin) throws ElfFormatException {
        return new ElfFile(ByteBuffer.wrap(bytes), origin);
    }

    /** Whether BYTES begin with the ELF magic (a cheap test before {@link #read(byte[], String)}). */
    public static boolean hasElfMagic(byte[] bytes) {
        return bytes.length >= 4 && bytes[0] == 0x7f && bytes[1] == 'E' && bytes[2] == 'L' && bytes[3] == 'F';
    }

    public int machine() {
        return machine;
    }

    /** Whether this object runs on x86-64 Linux (machine x86-64, OS ABI System V or GNU). */
    public boolean isLinuxX8664() {
        return machine == EM_X86_64 && (osAbi == ELFOSABI_NONE || osAbi == ELFOSABI_GNU);
    }

    /** The PT_INTERP path (an executable's dynamic loader), if any. */
    public Optional<String> interpreter() {
        return interpreter;
    }

    /** DT_NEEDED names, in order. */
    public List<String> needed() {
        return needed;
    }

    /** DT_RPATH directories, in order (each entry split at ':'). */
    public List<String> rpath() {
        return rpath;
    }

    /** DT_RUNPATH directories, in order (each entry split at ':'). */
    public List<String> runpath() {
        return runpath;
    }

    /** The bytes of the section called NAME (found through the section header string table), if there is one. */
    public Optional<byte[]> section(String name) throws ElfFormatException {
        long shoff = u64(40);
        int shentsize = u16(58);
        int shnum = u16(60);
        int shstrndx = u16(62);
        if (shnum == 0 || shoff == 0) {
            return Optional.empty();
        }
        if (shentsize < ELF64_SHDR_SIZE) {
            throw new ElfFormatException(origin + " has section headers of " + shentsize + " bytes");
        }
        check(shoff, (long) shentsize * shnum, "its section headers");
        if (shstrndx >= shnum) {
            throw new ElfFormatException(origin + " names section " + shstrndx + " of " + shnum + " as its string table");
        }
        long strHdr = shoff + (long) shstrndx * shentsize;
        long strOff = u64(strHdr + 24);
        long strSize = u64(strHdr + 32);
        check(strOff, strSize, "its section name table");
        for (int i = 0; i < shnum; i++) {
            long sh = shoff + (long) i * shentsize;
            long nameOff = buf.getInt((int) sh) & 0xffffffffL;
            if (nameOff >= strSize) {
                throw new ElfFormatException(origin + " names a section outside its section name table");
            }
            if (!name.equals(string(strOff + nameOff, strOff + strSize, "a section name"))) {
                continue;
            }
            if (buf.getInt((int) sh + 4) == SHT_NOBITS) {
                return Optional.of(new byte[0]);
            }
            long off = u64(sh + 24);
            long size = u64(sh + 32);
            check(off, size, "section " + name);
            byte[] out = new byte[(int) size];
            buf.get((int) off, out);
            return Optional.of(out);
        }
        return Optional.empty();
    }

    private void readDynamic(long phoff, int phentsize, int phnum, long dynOff, long dynSize,
                             List<String> needs, List<String> rp, List<String> rup) throws ElfFormatException {
        long strtabAddr = -1;
        long strsz = -1;
        List<long[]> refs = new ArrayList<>(); // {tag, string offset}
        for (long d = dynOff; d + ELF64_DYN_SIZE <= dynOff + dynSize; d += ELF64_DYN_SIZE) {
            long tag = buf.getLong((int) d);
            long val = buf.getLong((int) d + 8);
            if (tag == DT_NULL) {
                break;
            } else if (tag == DT_STRTAB) {
                strtabAddr = val;
            } else if (tag == DT_STRSZ) {
                strsz = val;
            } else if (tag == DT_NEEDED || tag == DT_RPATH || tag == DT_RUNPATH) {
                refs.add(new long[] {tag, val});
            }
        }
        if (refs.isEmpty()) {
            return;
        }
        if (strtabAddr < 0 || strsz < 0) {
            throw new ElfFormatException(origin + " has dynamic entries but no string table (DT_STRTAB, DT_STRSZ)");
        }
        long strOff = fileOffset(phoff, phentsize, phnum, strtabAddr, strsz);
        for (long[] ref : refs) {
            if (Long.compareUnsigned(ref[1], strsz) >= 0) {
                throw new ElfFormatException(origin + " has a dynamic string outside its string table");
            }
            String s = string(strOff + ref[1], strOff + strsz, "a dynamic string");
            if (ref[0] == DT_NEEDED) {
                needs.add(s);
            } else {
                for (String dir : s.split(":", -1)) {
                    if (!dir.isEmpty()) {
                        (ref[0] == DT_RPATH ? rp : rup).add(dir);
                    }
                }
            }
        }
    }

    /** The file offset of the virtual address range [ADDR, ADDR+LEN) through the PT_LOAD segment holding it. */
    private long fileOffset(long phoff, int phentsize, int phnum, long addr, long len) throws ElfFormatException {
        for (int i = 0; i < phnum; i++) {
            long ph = phoff + (long) i * phentsize;
            if (buf.getInt((int) ph) != PT_LOAD) {
                continue;
            }
            long off = u64(ph + 8);
            long vaddr = u64(ph + 16);
            long filesz = u64(ph + 32);
            if (addr >= vaddr && addr - vaddr <= filesz && len <= filesz - (addr - vaddr)) {
                long result = off + (addr - vaddr);
                check(result, len, "its dynamic string table");
                return result;
            }
        }
        throw new ElfFormatException(origin + "'s dynamic string table is in no loaded segment");
    }

    /** A NUL-terminated string starting at OFF that must end before LIMIT. */
    private String string(long off, long limit, String what) throws ElfFormatException {
        long end = Math.min(limit, buf.capacity());
        for (long i = off; i < end; i++) {
            if (buf.get((int) i) == 0) {
                if (i - off > MAX_STRING) {
                    break;
                }
                byte[] b = new byte[(int) (i - off)];
                buf.get((int) off, b);
                return new String(b, StandardCharsets.UTF_8);
            }
            if (i - off > MAX_STRING) {
                break;
            }
        }
        throw new ElfFormatException(origin + " has an unterminated or overlong string in " + what);
    }

    private void check(long off, long len, String what) throws ElfFormatException {
        long size = buf.capacity();
        if (off < 0 || len < 0 || off > size || len > size - off) {
            throw new ElfFormatException(origin + " points outside itself for " + what
                    + " (offset " + Long.toUnsignedString(off) + ", " + Long.toUnsignedString(len) + " bytes, file "
                    + size + " bytes)");
        }
    }

    private int u16(long off) {
        return buf.getShort((int) off) & 0xffff;
    }

    private long u64(long off) throws ElfFormatException {
        long v = buf.getLong((int) off);
        if (v < 0) {
            throw new ElfFormatException(origin + " has a 64-bit field beyond any file (at " + off + ")");
        }
        return v;
    }
}
