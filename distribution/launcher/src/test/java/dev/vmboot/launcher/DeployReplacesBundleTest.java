package dev.vmboot.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A plug-in rebuilt into deploy/ replaces the distribution's jar of the same symbolic name, whatever its version. */
class DeployReplacesBundleTest {
    @TempDir
    Path tmp;

    @Test
    void aDeployJarReplacesTheBundleJarOfItsSymbolicNameOnly() throws Exception {
        Path home = TestBundles.home(tmp.resolve("vmboot"));
        TestBundles.plain(home.resolve("bundle/vmboot.virtio.rng-0.1.0-SNAPSHOT.jar"), "vmboot.virtio.rng", "0.1.0");
        TestBundles.plain(home.resolve("bundle/vmboot.virtio.blk-0.1.0-SNAPSHOT.jar"), "vmboot.virtio.blk", "0.1.0");
        TestBundles.plain(home.resolve("deploy/rng-rebuilt.jar"), "vmboot.virtio.rng", "0.2.0");
        Files.writeString(home.resolve("deploy/not-a-zip.jar"), "not a zip");

        assertEquals(Set.of("vmboot.virtio.rng-0.1.0-SNAPSHOT.jar"),
                BundleJars.replacedBy(home.resolve("bundle"), home.resolve("deploy")));
    }

    @Test
    void anEmptyDeployReplacesNothing() throws Exception {
        Path home = TestBundles.home(tmp.resolve("vmboot"));
        TestBundles.plain(home.resolve("bundle/a.jar"), "a", "1.0.0");
        assertEquals(Set.of(), BundleJars.replacedBy(home.resolve("bundle"), home.resolve("deploy")));
    }

    @Test
    void theSymbolicNameIsReadWithoutItsDirectives() throws Exception {
        Path jar = tmp.resolve("singleton.jar");
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().putValue("Bundle-SymbolicName", "vmboot.shell; singleton:=true");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), m)) {
            out.flush();
        }
        assertEquals(Optional.of("vmboot.shell"), BundleJars.symbolicName(jar));
        assertEquals(Optional.empty(), BundleJars.symbolicName(Files.writeString(tmp.resolve("x.jar"), "no zip")));
    }
}
