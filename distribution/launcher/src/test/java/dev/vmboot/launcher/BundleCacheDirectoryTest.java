package dev.vmboot.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleCacheDirectoryTest {

    @TempDir
    Path tmp;

    @Test
    void eachRunGetsAFreshOwnerOnlyDirectory() throws IOException {
        Path first = BundleCacheDirectory.create(tmp);
        Path second = BundleCacheDirectory.create(tmp);
        assertNotEquals(first, second);
        assertTrue(Files.isDirectory(first) && Files.isDirectory(second));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(first)));
        assertEquals("vmboot-felix-" + ProcessHandle.current().pid(), first.getFileName().toString());
    }

    @Test
    void aNameSomebodyElseTookIsNeverUsed() throws IOException {
        long pid = ProcessHandle.current().pid();
        Path planted = Files.createDirectory(tmp.resolve("vmboot-felix-" + pid));
        Files.writeString(planted.resolve("bundle0"), "not ours");
        Files.createSymbolicLink(tmp.resolve("vmboot-felix-" + pid + "-1"), planted);
        Path made = BundleCacheDirectory.create(tmp);
        assertEquals("vmboot-felix-" + pid + "-2", made.getFileName().toString());
        try (var entries = Files.list(made)) {
            assertEquals(0, entries.count());
        }
    }
}
