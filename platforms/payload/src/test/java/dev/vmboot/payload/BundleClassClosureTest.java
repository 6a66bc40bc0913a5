package dev.vmboot.payload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleClassClosureTest {
    private static final String FIXTURES = "dev/vmboot/payload/SlimFixtures$";

    @TempDir
    Path tmp;

    private static byte[] bytes(String simpleName) throws IOException {
        try (InputStream in = SlimFixtures.class.getResourceAsStream("SlimFixtures$" + simpleName + ".class")) {
            return in.readAllBytes();
        }
    }

    private Path jar(String name, Map<String, byte[]> entries) throws IOException {
        Path j = tmp.resolve(name);
        try (OutputStream o = Files.newOutputStream(j); ZipOutputStream z = new ZipOutputStream(o)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return j;
    }

    @Test
    void keepsWhatTheOtherJarsAndTheServiceFilesReachAndNothingElse() throws IOException {
        Path root = jar("vmboot.thing-1.0.jar", Map.of(FIXTURES + "Root.class", bytes("Root")));
        Map<String, byte[]> lib = new LinkedHashMap<>();
        lib.put("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\nExport-Package: dev.vmboot.payload,other.pkg\n"
                .getBytes(StandardCharsets.UTF_8));
        for (String c : List.of("Used", "Transitive", "Provider", "Unused")) {
            lib.put(FIXTURES + c + ".class", bytes(c));
        }
        lib.put("other/pkg/Lonely.class", bytes("Unused")); // a package nothing uses
        lib.put("META-INF/versions/9/" + FIXTURES + "Used.class", bytes("Used")); // multi-release: kept with Used
        lib.put("META-INF/versions/11/" + FIXTURES + "Unused.class", bytes("Unused"));
        lib.put("META-INF/services/some.Service", ("# the provider\ndev.vmboot.payload.SlimFixtures$Provider\n")
                .getBytes(StandardCharsets.UTF_8));
        Path library = jar("lib-2.3.jar", lib);

        BundleClassClosure c = BundleClassClosure.of(List.of(root, library), List.of("lib"));
        assertEquals(Set.of(FIXTURES + "Used.class", FIXTURES + "Transitive.class", FIXTURES + "Provider.class",
                "META-INF/versions/9/" + FIXTURES + "Used.class"), c.kept().get("lib-2.3.jar"));
        assertEquals(Set.of(FIXTURES + "Unused.class", "META-INF/versions/11/" + FIXTURES + "Unused.class",
                "other/pkg/Lonely.class"), c.dropped().get("lib-2.3.jar"));
        assertEquals(Set.of("other.pkg"), c.emptied().get("lib-2.3.jar")); // dev.vmboot.payload keeps classes
        assertTrue(!c.kept().containsKey("vmboot.thing-1.0.jar"), "a jar not slimmed keeps everything: " + c.kept());

        // StoredJar leaves the dropped classes out and keeps the rest, resources included
        Path out = tmp.resolve("out.jar");
        StoredJar.rewrite(library, out, Set.of(), c.dropped().get("lib-2.3.jar"), c.emptied().get("lib-2.3.jar"));
        try (var z = new java.util.jar.JarFile(out.toFile())) {
            assertEquals("dev.vmboot.payload", z.getManifest().getMainAttributes().getValue("Export-Package"));
            assertEquals(null, z.getEntry(FIXTURES + "Unused.class"));
            assertTrue(z.getEntry(FIXTURES + "Used.class") != null);
            assertTrue(z.getEntry("META-INF/services/some.Service") != null);
        }
    }

    @Test
    void aPackageSomeBundleImportsStaysExportedThoughEmpty() throws IOException {
        Path root = jar("vmboot.thing-1.0.jar", Map.of("META-INF/MANIFEST.MF",
                "Manifest-Version: 1.0\nImport-Package: other.pkg;version=\"[1,2)\",x.y\n".getBytes(StandardCharsets.UTF_8)));
        Path library = jar("lib-2.3.jar", Map.of("other/pkg/Lonely.class", bytes("Unused")));
        BundleClassClosure c = BundleClassClosure.of(List.of(root, library), List.of("lib"));
        assertEquals(Set.of("other/pkg/Lonely.class"), c.dropped().get("lib-2.3.jar"));
        assertEquals(Map.of(), c.emptied());
    }

    @Test
    void withNothingToSlimNothingIsDropped() throws IOException {
        Path library = jar("lib-2.3.jar", Map.of(FIXTURES + "Unused.class", bytes("Unused")));
        assertEquals(Map.of(), BundleClassClosure.of(List.of(library), List.of()).dropped());
    }
}
