package dev.vmboot.payload;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which files the payload builder puts into XZ blocks with the x86 BCJ filter. */
class LinkedElfTest {
    @TempDir
    Path tmp;

    private Path file(String name, byte[] b) throws IOException {
        return Files.write(tmp.resolve(name), b);
    }

    @Test
    void sharedObjectsAndExecutablesAreLinkedElfModulesAndOtherFilesAreNot() throws IOException {
        assertTrue(PayloadBuilder.isLinkedElf(file("lib.so", TestElf.header(ElfFile.EM_X86_64, 0))));
        assertTrue(PayloadBuilder.isLinkedElf(Path.of("/bin/sh").toRealPath()));
        assertFalse(PayloadBuilder.isLinkedElf(file("m.ko", TestElf.relocatable(Map.of(".text", new byte[16])))));
        assertFalse(PayloadBuilder.isLinkedElf(file("modules", "class data, not ELF".getBytes())));
        assertFalse(PayloadBuilder.isLinkedElf(file("short", new byte[] {0x7f, 'E', 'L', 'F'})));
    }
}
