package dev.vmboot.boot.pvh.internal;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Builds small x86 ELF images for tests: PT_LOAD segments at given physical addresses and PT_NOTE segments. */
final class TestElf {

    /** A segment: {@code data} loaded at {@code paddr}, {@code memsz} bytes in memory. */
    record Segment(long paddr, byte[] data, long memsz) {
        static Segment of(long paddr, int size, long memsz) {
            byte[] d = new byte[size];
            for (int i = 0; i < size; i++) {
                d[i] = (byte) (i * 7 + (paddr >>> 12));
            }
            return new Segment(paddr, d, memsz);
        }
    }

    private boolean elf64 = true;
    private int machine = 62;
    private long entry;
    private final List<Segment> segments = new ArrayList<>();
    private final List<byte[]> notes = new ArrayList<>();
    private long noteAlign = 4;

    static TestElf pvh(long entry) {
        return new TestElf().entry(entry).note(note("Xen", PvhNote.XEN_ELFNOTE_PHYS32_ENTRY, le32(entry), 4));
    }

    TestElf elf32() {
        elf64 = false;
        machine = 3;
        return this;
    }

    TestElf machine(int m) {
        machine = m;
        return this;
    }

    TestElf entry(long e) {
        entry = e;
        return this;
    }

    TestElf segment(Segment s) {
        segments.add(s);
        return this;
    }

    TestElf note(byte[] n) {
        notes.add(n);
        return this;
    }

    TestElf noteAlign(long a) {
        noteAlign = a;
        return this;
    }

    static byte[] le32(long v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array();
    }

    static byte[] le64(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    }

    /** One note record: header, name with NUL, descriptor, each padded to {@code align}. */
    static byte[] note(String name, int type, byte[] desc, int align) {
        byte[] n = (name + "\0").getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(le32(n.length));
        out.writeBytes(le32(desc.length));
        out.writeBytes(le32(type));
        out.writeBytes(n);
        out.writeBytes(new byte[pad(n.length, align) - n.length]);
        out.writeBytes(desc);
        out.writeBytes(new byte[pad(desc.length, align) - desc.length]);
        return out.toByteArray();
    }

    private static int pad(int n, int align) {
        return (n + align - 1) / align * align;
    }

    byte[] build() {
        int ehsize = elf64 ? 64 : 52;
        int phentsize = elf64 ? 56 : 32;
        int phnum = segments.size() + (notes.isEmpty() ? 0 : 1);
        ByteArrayOutputStream noteBytes = new ByteArrayOutputStream();
        notes.forEach(noteBytes::writeBytes);
        int notesAt = ehsize + phnum * phentsize;
        int dataAt = pad(notesAt + noteBytes.size(), 16);
        int total = dataAt + segments.stream().mapToInt(s -> pad(s.data().length, 16)).sum();
        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7F, 'E', 'L', 'F', (byte) (elf64 ? 2 : 1), 1, 1, 0});
        b.position(16);
        b.putShort((short) 2).putShort((short) machine).putInt(1);
        if (elf64) {
            b.putLong(entry).putLong(ehsize).putLong(0).putInt(0);
        } else {
            b.putInt((int) entry).putInt(ehsize).putInt(0).putInt(0);
        }
        b.putShort((short) ehsize).putShort((short) phentsize).putShort((short) phnum).putShort((short) 0)
                .putShort((short) 0).putShort((short) 0);
        b.position(ehsize);
        int at = dataAt;
        for (Segment s : segments) {
            phdr(b, ProgramHeader.PT_LOAD, at, s.paddr(), s.data().length, s.memsz(), 0x1000);
            b.put(at, s.data());
            at += pad(s.data().length, 16);
        }
        if (!notes.isEmpty()) {
            phdr(b, ProgramHeader.PT_NOTE, notesAt, 0, noteBytes.size(), noteBytes.size(), noteAlign);
            b.put(notesAt, noteBytes.toByteArray());
        }
        return b.array();
    }

    private void phdr(ByteBuffer b, int type, long offset, long paddr, long filesz, long memsz, long align) {
        if (elf64) {
            b.putInt(type).putInt(5).putLong(offset).putLong(paddr).putLong(paddr).putLong(filesz).putLong(memsz)
                    .putLong(align);
        } else {
            b.putInt(type).putInt((int) offset).putInt((int) paddr).putInt((int) paddr).putInt((int) filesz)
                    .putInt((int) memsz).putInt(5).putInt((int) align);
        }
    }
}
