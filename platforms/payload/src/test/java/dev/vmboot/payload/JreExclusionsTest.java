package dev.vmboot.payload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JreExclusionsTest {
    @TempDir
    Path tmp;

    @Test
    void joinsEachKindIntoOneJlinkOption() throws IOException {
        Path f = tmp.resolve("x.txt");
        Files.writeString(f, "# why\n\nresource **_de.class\n  resource /java.base/a/[B-Z]*\nfile /java.base/bin/keytool\n");
        assertEquals(List.of("--exclude-resources", "**_de.class,/java.base/a/[B-Z]*",
                "--exclude-files", "/java.base/bin/keytool"), JreExclusions.jlinkOptions(f));
    }

    @Test
    void refusesALineItCannotReadNamingIt() throws IOException {
        Path f = tmp.resolve("x.txt");
        Files.writeString(f, "resource a\nexclude b\n");
        IOException e = assertThrows(IOException.class, () -> JreExclusions.jlinkOptions(f));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
        Files.writeString(f, "resource a,b\n");
        e = assertThrows(IOException.class, () -> JreExclusions.jlinkOptions(f));
        assertTrue(e.getMessage().contains("comma"), e.getMessage());
    }

    @Test
    void thePlatformsUseTheSharedList() throws IOException {
        for (String p : List.of("qemu-q35", "x11sch-f")) {
            PlatformConfig c = PlatformConfig.load(Path.of("src/main/platforms/" + p + ".properties"));
            assertEquals("--exclude-resources", c.jreExclude().get(0), p);
            assertTrue(c.xzX86Filter(), p);
            assertTrue(c.xzDict() == 32L << 20, p);
            assertTrue(c.bundlesSlim().contains("commons-compress"), p);
        }
    }
}
