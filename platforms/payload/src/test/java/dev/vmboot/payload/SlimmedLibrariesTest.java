package dev.vmboot.payload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.lz4.BlockLZ4CompressorOutputStream;
import org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorOutputStream;
import org.apache.commons.compress.compressors.lzma.LZMACompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/**
 * The library jars as the payload slims them (bundles.slim of the real distribution) still decompress every format
 * vmboot reads, through the constructors vmboot's bundles call (vmboot.boot.linux, vmboot.boot.pvh, vmboot.storage):
 * loaded alone, with no other copy of the libraries to fall back on. zstd is left out here: it needs zstd-jni's
 * native library, which the payload keeps whole.
 */
class SlimmedLibrariesTest {
    private static final Path DISTRIBUTION = Path.of("../../distribution/target/vmboot");
    /** vmboot's limit for xz and LZMA dictionaries (DecompressionLimits.XZ_MEMORY_KIB is of this order). */
    private static final int MEMORY_KIB = 256 * 1024;

    @TempDir
    Path tmp;

    private interface Compressor {
        OutputStream wrap(OutputStream out) throws IOException;
    }

    private static byte[] compress(byte[] data, Compressor c) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (OutputStream o = c.wrap(b)) {
            o.write(data);
        }
        return b.toByteArray();
    }

    /** What decompressing COMPRESSED with CLASSNAME from LOADER gives: the bytes, or the error's class and text. */
    private static String outcome(ClassLoader loader, String className, byte[] compressed, Class<?>[] types,
                                  Object... more) throws Exception {
        Class<?> c = loader.loadClass(className);
        assertTrue(c.getClassLoader() == loader, className + " came from elsewhere");
        Object[] args = new Object[more.length + 1];
        args[0] = new ByteArrayInputStream(compressed);
        System.arraycopy(more, 0, args, 1, more.length);
        try (InputStream in = (InputStream) c.getConstructor(types).newInstance(args)) {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (java.lang.reflect.InvocationTargetException e) {
            return e.getCause().toString();
        }
    }

    @Test
    void theSlimmedJarsDecompressGzipBzip2LzmaXzLz4AndFramedLz4AsTheWholeOnesDo() throws Exception {
        assumeTrue(Files.isRegularFile(DISTRIBUTION.resolve("bin/vmboot")), "the distribution is not built");
        PlatformConfig platform = PlatformConfig.load(Path.of("src/main/platforms/x11sch-f.properties"));
        BundleClassClosure closure = BundleClassClosure.of(JdkClassClosure.jars(DISTRIBUTION), platform.bundlesSlim());
        List<URL> slimUrls = new ArrayList<>();
        List<URL> fullUrls = new ArrayList<>();
        for (Path jar : JdkClassClosure.jars(DISTRIBUTION.resolve("bundle"))) {
            String name = jar.getFileName().toString();
            if (name.startsWith("commons-") || name.startsWith("xz-")) {
                Path out = tmp.resolve(name);
                StoredJar.rewrite(jar, out, Set.of(), closure.dropped().getOrDefault(name, Set.of()),
                        closure.emptied().getOrDefault(name, Set.of()));
                slimUrls.add(out.toUri().toURL());
                fullUrls.add(jar.toUri().toURL());
            }
        }
        assertTrue(closure.dropped().get("commons-compress-1.28.0.jar").size() > 100, "nothing was slimmed");

        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 20000; i++) {
            text.append("line ").append(i * 7919 % 10007).append(" of a kernel image that is not one\n");
        }
        byte[] data = text.toString().getBytes(StandardCharsets.US_ASCII);
        String expected = new String(data, StandardCharsets.ISO_8859_1);
        String cc = "org.apache.commons.compress.compressors.";
        try (URLClassLoader slim = new URLClassLoader(slimUrls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
             URLClassLoader full = new URLClassLoader(fullUrls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
            for (URLClassLoader l : List.of(slim, full)) {
                Class<?> arrayCache = l.loadClass("org.tukaani.xz.ArrayCache");
                Object cache = l.loadClass("org.tukaani.xz.BasicArrayCache").getConstructor().newInstance();
                Class<?>[] xzArgs = {InputStream.class, int.class, boolean.class, arrayCache};
                byte[] xz = compress(data, o -> new XZOutputStream(o, new LZMA2Options()));
                assertEquals(expected, outcome(l, "org.tukaani.xz.XZInputStream", xz, xzArgs, MEMORY_KIB, true, cache));
                assertEquals(expected, outcome(l, "org.tukaani.xz.SingleXZInputStream", xz, xzArgs, MEMORY_KIB, true,
                        cache));
                assertEquals(expected, outcome(l, cc + "gzip.GzipCompressorInputStream",
                        compress(data, GzipCompressorOutputStream::new),
                        new Class<?>[] {InputStream.class, boolean.class}, true));
                assertEquals(expected, outcome(l, cc + "bzip2.BZip2CompressorInputStream",
                        compress(data, BZip2CompressorOutputStream::new), new Class<?>[] {InputStream.class}));
                assertEquals(expected, outcome(l, cc + "lzma.LZMACompressorInputStream",
                        compress(data, LZMACompressorOutputStream::new),
                        new Class<?>[] {InputStream.class, int.class}, MEMORY_KIB));
                assertEquals(expected, outcome(l, cc + "lz4.BlockLZ4CompressorInputStream",
                        compress(data, BlockLZ4CompressorOutputStream::new), new Class<?>[] {InputStream.class}));
                // Framed LZ4 checks its content with Commons Codec's XXHash32, which Compress imports optionally and
                // the distribution ships for it (vmboot.storage's lz4 scan).
                assertEquals(expected, outcome(l, cc + "lz4.FramedLZ4CompressorInputStream",
                        compress(data, FramedLZ4CompressorOutputStream::new),
                        new Class<?>[] {InputStream.class, boolean.class}, true));
            }
        }
    }
}
