package dev.vmboot.payload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JvmBuildTest {
    @TempDir
    Path dir;

    private void make(String... files) throws IOException {
        for (String f : files) {
            Files.createDirectories(dir.resolve(f).getParent());
            Files.write(dir.resolve(f), new byte[] {1});
        }
    }

    @Test
    void aCompleteBuildDirectoryNamesItsParts() throws IOException {
        make("libjvm.so", "libjimage.so", "jdk/bin/jlink", "jdk/jmods/java.base.jmod");
        JvmBuild b = JvmBuild.in(dir);
        assertEquals(dir.resolve("jdk/bin/jlink"), b.jlink());
        assertEquals(dir.resolve("libjimage.so"), b.libjimage());
    }

    @Test
    void aDirectoryWithoutLibjimageIsRefusedNamingIt() throws IOException {
        make("libjvm.so", "jdk/bin/jlink", "jdk/jmods/java.base.jmod");
        IOException e = assertThrows(IOException.class, () -> JvmBuild.in(dir));
        assertTrue(e.getMessage().contains("libjimage.so") && e.getMessage().contains("build-libjvm.sh"),
                e.getMessage());
    }

    @Test
    void aJdkWithoutJmodsIsRefused() throws IOException {
        make("libjvm.so", "libjimage.so", "jdk/bin/jlink");
        assertThrows(IOException.class, () -> JvmBuild.in(dir));
    }
}
