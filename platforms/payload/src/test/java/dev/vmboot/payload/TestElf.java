package dev.vmboot.payload;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Makes small ELF64 objects for the tests: a header only, or a relocatable object with named sections. */
final class TestElf {
    static final int EM_AARCH64 = 183;
    static final int ELFOSABI_FREEBSD = 9;

    private TestElf() {
    }

    /** A shared object header (ET_DYN) with no program or section headers. */
    static byte[] header(int machine, int osAbi) {
        ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        ident(b, osAbi);
        b.putShort(16, (short) 3); // ET_DYN
        b.putShort(18, (short) machine);
        b.putInt(20, 1);
        b.putShort(52, (short) 64);
        return b.array();
    }

    /** A relocatable object (ET_REL, like a kernel module) holding SECTIONS, in order, and .shstrtab. */
    static byte[] relocatable(Map<String, byte[]> sections) {
        List<String> names = new ArrayList<>(sections.keySet());
        names.add(".shstrtab");
        ByteArrayOutputStream strtab = new ByteArrayOutputStream();
        strtab.write(0);
        List<Integer> nameOffsets = new ArrayList<>();
        for (String n : names) {
            nameOffsets.add(strtab.size());
            strtab.writeBytes(n.getBytes(StandardCharsets.UTF_8));
            strtab.write(0);
        }
        List<byte[]> contents = new ArrayList<>(sections.values());
        contents.add(strtab.toByteArray());
        int dataSize = contents.stream().mapToInt(c -> c.length).sum();
        int shoff = 64 + dataSize;
        int shnum = names.size() + 1;
        ByteBuffer b = ByteBuffer.allocate(shoff + shnum * 64).order(ByteOrder.LITTLE_ENDIAN);
        ident(b, 0);
        b.putShort(16, (short) 1); // ET_REL
        b.putShort(18, (short) ElfFile.EM_X86_64);
        b.putInt(20, 1);
        b.putLong(40, shoff);
        b.putShort(52, (short) 64);
        b.putShort(58, (short) 64);
        b.putShort(60, (short) shnum);
        b.putShort(62, (short) (shnum - 1));
        int off = 64;
        for (int i = 0; i < contents.size(); i++) {
            b.put(off, contents.get(i));
            int sh = shoff + (i + 1) * 64;
            b.putInt(sh, nameOffsets.get(i));
            b.putInt(sh + 4, 1); // SHT_PROGBITS
            b.putLong(sh + 24, off);
            b.putLong(sh + 32, contents.get(i).length);
            off += contents.get(i).length;
        }
        return b.array();
    }

    /** A kernel module's .modinfo: NUL-separated key=value strings. */
    static byte[] modinfo(String... keyValues) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (String kv : keyValues) {
            o.writeBytes(kv.getBytes(StandardCharsets.UTF_8));
            o.write(0);
        }
        return o.toByteArray();
    }

    private static void ident(ByteBuffer b, int osAbi) {
        b.put(0, (byte) 0x7f).put(1, (byte) 'E').put(2, (byte) 'L').put(3, (byte) 'F');
        b.put(4, (byte) 2).put(5, (byte) 1).put(6, (byte) 1).put(7, (byte) osAbi);
    }
}
