package dev.vmboot.payload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.spi.ToolProvider;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JdkClassClosureTest {
    /** The built distribution the payload packs (the reactor builds it first). */
    private static final Path DISTRIBUTION = Path.of("../../distribution/target/vmboot");

    @TempDir
    Path tmp;

    static void jlink(Path out, List<String> modules, List<String> extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("--add-modules", String.join(",", modules), "--strip-debug",
                "--no-header-files", "--no-man-pages", "--compress=0", "--output", out.toString()));
        args.addAll(extra);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (PrintWriter w = new PrintWriter(log, true)) {
            int rc = ToolProvider.findFirst("jlink").orElseThrow().run(w, w, args.toArray(String[]::new));
            assertEquals(0, rc, log::toString);
        }
    }

    private Path distributionWith(String name, Class<?> c) throws IOException {
        Path dist = tmp.resolve(name);
        Files.createDirectories(dist.resolve("bundle"));
        try (OutputStream o = Files.newOutputStream(dist.resolve("bundle/a.jar")); ZipOutputStream z = new ZipOutputStream(o)) {
            z.putNextEntry(new ZipEntry(c.getName().replace('.', '/') + ".class"));
            z.write(ClassReferencesTest.classBytes(c));
            z.closeEntry();
        }
        return dist;
    }

    @Test
    void aClassLeftOutThatTheDistributionNamesIsMissingWithWhoNamesIt() throws IOException {
        Path jre = tmp.resolve("jre");
        jlink(jre, List.of("java.base"), List.of("--exclude-resources", "/java.base/sun/security/tools/keytool/[A-OQ-Z]*"));

        JdkClassClosure named = JdkClassClosure.of(distributionWith("named", ReferenceFixture.class),
                List.of("java.base"), jre);
        assertTrue(named.missing().containsKey("sun/security/tools/keytool/Main"), named.missing()::toString);
        assertTrue(named.missing().get("sun/security/tools/keytool/Main").endsWith("ReferenceFixture.class"),
                named.missing()::toString);
        // keytool's own references are followed through the full JDK: its resources are missing too
        assertTrue(named.missing().containsKey("sun/security/tools/keytool/Resources"), named.missing()::toString);

        JdkClassClosure plain = JdkClassClosure.of(distributionWith("plain", PlainFixture.class),
                List.of("java.base"), jre);
        assertEquals(0, plain.missing().size(), plain.missing()::toString);
        assertTrue(plain.reached().containsKey("java/util/zip/CRC32"));
        assertTrue(plain.reached().containsKey("java/lang/Object"));
    }

    /**
     * The payload's JRE (the platforms' modules, trimmed by jre-exclude.txt) has every JDK class the built
     * distribution can reach: what the payload builder checks on every build, here in the unit tests.
     */
    @Test
    void thePayloadsTrimmedJreHasEveryClassTheDistributionCanReach() throws IOException {
        assumeTrue(Files.isRegularFile(DISTRIBUTION.resolve("bin/vmboot")), "the distribution is not built");
        PlatformConfig platform = PlatformConfig.load(Path.of("src/main/platforms/x11sch-f.properties"));
        Path jre = tmp.resolve("jre");
        jlink(jre, platform.jreModules(), platform.jreExclude());

        JdkClassClosure c = JdkClassClosure.of(DISTRIBUTION, platform.jreModules(), jre);
        assertEquals(0, c.missing().size(), c.missing()::toString);
        // what Felix SCR parses component descriptions with, and the JAXP implementation it gets by name
        assertTrue(c.reached().containsKey("javax/xml/parsers/SAXParserFactory"));
        assertTrue(c.reached().containsKey("com/sun/org/apache/xerces/internal/jaxp/SAXParserFactoryImpl"));
        // jdk.unsupported's sun.misc.Unsafe, which JNA and zstd-jni use
        assertTrue(c.reached().containsKey("sun/misc/Unsafe"));
        assertTrue(c.reached().size() > 5000, () -> c.reached().size() + " classes");
    }
}
