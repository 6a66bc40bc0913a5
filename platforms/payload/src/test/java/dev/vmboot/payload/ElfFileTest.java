package dev.vmboot.payload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ElfFileTest {
    private static final Path JAVA = Path.of(System.getProperty("java.home"), "bin/java");

    @Test
    void readsTheJavaLaunchersDynamicSection() throws Exception {
        ElfFile elf = ElfFile.read(JAVA);
        assertTrue(elf.isLinuxX8664());
        assertTrue(elf.needed().contains("libjli.so"), elf.needed().toString());
        assertTrue(elf.needed().contains("libc.so.6"), elf.needed().toString());
        List<String> paths = elf.runpath().isEmpty() ? elf.rpath() : elf.runpath();
        assertTrue(paths.contains("$ORIGIN/../lib"), paths.toString());
        assertEquals("/lib64/ld-linux-x86-64.so.2", elf.interpreter().orElseThrow());
    }

    @Test
    void tellsMachinesAndOsAbisApart() throws Exception {
        assertTrue(ElfFile.read(TestElf.header(ElfFile.EM_X86_64, 0), "x").isLinuxX8664());
        assertTrue(ElfFile.read(TestElf.header(ElfFile.EM_X86_64, 3), "x").isLinuxX8664());
        assertFalse(ElfFile.read(TestElf.header(TestElf.EM_AARCH64, 0), "x").isLinuxX8664());
        assertFalse(ElfFile.read(TestElf.header(ElfFile.EM_X86_64, TestElf.ELFOSABI_FREEBSD), "x").isLinuxX8664());
    }

    @Test
    void readsASectionByName() throws Exception {
        byte[] ko = TestElf.relocatable(Map.of(".modinfo", TestElf.modinfo("name=a", "depends=b,c")));
        assertEquals("name=a\0depends=b,c\0", new String(ElfFile.read(ko, "a.ko").section(".modinfo").orElseThrow()));
        assertTrue(ElfFile.read(ko, "a.ko").section(".text").isEmpty());
    }

    @Test
    void refusesWhatIsNotElf64LittleEndian() {
        assertThrows(ElfFormatException.class, () -> ElfFile.read(new byte[10], "short"));
        assertThrows(ElfFormatException.class, () -> ElfFile.read("#!/bin/sh\n".repeat(10).getBytes(), "script"));
        byte[] elf32 = TestElf.header(ElfFile.EM_X86_64, 0);
        elf32[4] = 1;
        assertThrows(ElfFormatException.class, () -> ElfFile.read(elf32, "elf32"));
    }

    @Test
    void refusesOffsetsOutsideTheFile() {
        byte[] h = TestElf.header(ElfFile.EM_X86_64, 0);
        ByteBuffer b = ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(32, 1L << 40).putShort(54, (short) 56).putShort(56, (short) 1); // program headers far away
        ElfFormatException e = assertThrows(ElfFormatException.class, () -> ElfFile.read(h, "far"));
        assertTrue(e.getMessage().contains("outside"), e.getMessage());
        b.putLong(32, 40); // overlapping the end
        assertThrows(ElfFormatException.class, () -> ElfFile.read(h, "end"));
        byte[] ko = TestElf.relocatable(Map.of(".modinfo", TestElf.modinfo("name=a")));
        ByteBuffer k = ByteBuffer.wrap(ko).order(ByteOrder.LITTLE_ENDIAN);
        k.putShort(62, (short) 99); // section name table index beyond the table
        assertThrows(ElfFormatException.class, () -> ElfFile.read(ko, "ko").section(".modinfo"));
    }

    /** Corrupted copies of a real executable and a module parse or fail with ElfFormatException, nothing else. */
    @Test
    void survivesCorruption() throws Exception {
        byte[] java = Files.readAllBytes(JAVA);
        byte[] ko = TestElf.relocatable(Map.of(".modinfo", TestElf.modinfo("name=a", "depends=b")));
        Random rnd = new Random(1414);
        for (byte[] original : List.of(java, ko)) {
            for (int round = 0; round < 3000; round++) {
                byte[] b = original.clone();
                int header = Math.min(b.length, 4096); // where the headers and dynamic section are
                for (int n = 1 + rnd.nextInt(8); n > 0; n--) {
                    b[16 + rnd.nextInt(header - 16)] = (byte) rnd.nextInt(256);
                }
                if (rnd.nextInt(10) == 0) {
                    b = Arrays.copyOf(b, 64 + rnd.nextInt(b.length - 64));
                }
                try {
                    ElfFile elf = ElfFile.read(b, "mutant");
                    elf.section(".modinfo");
                } catch (ElfFormatException expected) {
                    // one sentence, nothing else thrown
                }
            }
        }
    }
}
