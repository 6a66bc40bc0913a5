package dev.vmboot.payload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class JreVersionTest {
    /** What jlink writes. */
    private static final String RELEASE = "JAVA_VERSION=\"17.0.19\"\nMODULES=\"java.base java.logging\"\n";

    private static String javaVersion(String runtime, String vm) {
        return "openjdk version \"17.0.19\" 2026-04-21\nOpenJDK Runtime Environment (build " + runtime + ")\n"
                + "OpenJDK 64-Bit Server VM (build " + vm + ", mixed mode)\n";
    }

    @Test
    void aJreOfOneBuildIsTakenWithThatBuild() throws IOException {
        JreVersion v = JreVersion.parse(javaVersion("17.0.19+10-1-deb12u2-Debian", "17.0.19+10-1-deb12u2-Debian"),
                RELEASE).requireOneBuild();
        assertEquals("17.0.19+10-1-deb12u2-Debian", v.runtime());
        assertEquals(v.runtime(), v.vm());
    }

    @Test
    void aLibjvmOfAnotherBuildIsRefusedNamingBoth() throws IOException {
        JreVersion v = JreVersion.parse(javaVersion("17.0.19+10-1-deb12u2-Debian", "17.0.15+6-Debian-1deb12u1"),
                RELEASE);
        IOException e = assertThrows(IOException.class, v::requireOneBuild);
        assertTrue(e.getMessage().contains("17.0.15+6-Debian-1deb12u1")
                && e.getMessage().contains("17.0.19+10-1-deb12u2-Debian"), e.getMessage());
    }

    @Test
    void aReleaseFileOfAnotherBuildIsRefused() throws IOException {
        JreVersion v = JreVersion.parse(javaVersion("17.0.15+6-Debian-1deb12u1", "17.0.15+6-Debian-1deb12u1"),
                RELEASE);
        assertThrows(IOException.class, v::requireOneBuild);
    }

    @Test
    void outputWithoutAVmBuildIsRefused() {
        assertThrows(IOException.class, () -> JreVersion.parse("Error: could not find libjvm.so\n", RELEASE));
    }

    @Test
    void theRunningJdkIsOneBuild() throws IOException {
        JreVersion v = JreVersion.of(java.nio.file.Path.of(System.getProperty("java.home"))).requireOneBuild();
        assertEquals(Runtime.version().toString(), v.runtime());
    }
}
