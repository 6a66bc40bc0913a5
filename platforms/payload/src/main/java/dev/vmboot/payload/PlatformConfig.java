package dev.vmboot.payload;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/**
 * What one platform's payload holds and may weigh, read from {@code src/main/platforms/NAME.properties}.
 *
 * @param name          the platform's name (the file's, without .properties)
 * @param flashBudget   the most kernel + initramfs may take, bytes ({@code flash.budget})
 * @param kernelModules the modules to load at boot, dependencies resolved from the kernel ({@code kernel.modules})
 * @param jreModules    the Java modules the jlinked JRE holds ({@code jre.modules})
 * @param jreCds        whether the JRE carries the JDK's default class-data archive ({@code jre.cds})
 * @param rescueShell   whether /init starts a shell when vmboot ends, instead of powering off ({@code rescue.shell})
 * @param xzPreset      the xz (LZMA2) preset, 0-9 ({@code xz.preset})
 * @param xzDict        the LZMA2 dictionary size, bytes, 0 for the preset's ({@code xz.dict}); the kernel's decoder
 *                      allocates as much while it unpacks the initramfs (lib/decompress_unxz.c, XZ_DYNALLOC)
 * @param xzX86Filter   whether ELF objects go through xz's x86 BCJ filter, in blocks of their own ({@code xz.x86})
 * @param jreExclude    what jlink leaves out of the JRE: jlink options and their patterns, from the file
 *                      {@code jre.exclude} names (beside the properties file; see {@link JreExclusions})
 * @param bundlesSlim   the library jars (file names up to the version) whose classes nothing loads are left out
 *                      ({@code bundles.slim}, see {@link BundleClassClosure})
 */
public record PlatformConfig(String name, long flashBudget, List<String> kernelModules, List<String> jreModules,
                             boolean jreCds, boolean rescueShell, int xzPreset, long xzDict, boolean xzX86Filter,
                             List<String> jreExclude, List<String> bundlesSlim) {
    /** The modules vmboot needs (measured, issue 14): java.beans comes from system.packages.extra, not java.desktop. */
    static final String DEFAULT_JRE_MODULES = "java.base java.logging java.xml jdk.unsupported";
    /** LZMA2 dictionary bounds: xz-java's LZMA2Options.DICT_SIZE_MIN, and preset 9's size (the encoder needs 11.5x). */
    private static final long MIN_DICT = 4096;
    private static final long MAX_DICT = 64L << 20;

    public PlatformConfig {
        kernelModules = List.copyOf(kernelModules);
        jreModules = List.copyOf(jreModules);
        jreExclude = List.copyOf(jreExclude);
        bundlesSlim = List.copyOf(bundlesSlim);
        if (xzPreset < 0 || xzPreset > 9) {
            throw new IllegalArgumentException("xz.preset is " + xzPreset + ", not 0-9");
        }
        if (xzDict != 0 && (xzDict < MIN_DICT || xzDict > MAX_DICT)) {
            throw new IllegalArgumentException("xz.dict is " + xzDict + " bytes, not 4 KiB to 64 MiB");
        }
    }

    public static PlatformConfig load(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        String name = file.getFileName().toString().replaceFirst("\\.properties$", "");
        String budget = p.getProperty("flash.budget");
        if (budget == null) {
            throw new IOException(file + " sets no flash.budget");
        }
        String exclude = p.getProperty("jre.exclude", "").strip();
        List<String> jreExclude = exclude.isEmpty() ? List.of()
                : JreExclusions.jlinkOptions(file.resolveSibling(exclude));
        try {
            return new PlatformConfig(name, ByteSize.parse(budget), words(p.getProperty("kernel.modules", "")),
                    words(p.getProperty("jre.modules", DEFAULT_JRE_MODULES)),
                    bool(p, "jre.cds", false), bool(p, "rescue.shell", true),
                    Integer.parseInt(p.getProperty("xz.preset", "6").strip()),
                    ByteSize.parse(p.getProperty("xz.dict", "0")), bool(p, "xz.x86", false),
                    jreExclude, words(p.getProperty("bundles.slim", "")));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    private static boolean bool(Properties p, String key, boolean dflt) {
        String v = p.getProperty(key);
        if (v == null) {
            return dflt;
        }
        return switch (v.strip()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(key + " is \"" + v + "\", not true or false");
        };
    }

    private static List<String> words(String s) {
        return Arrays.stream(s.trim().split("[\\s,]+")).filter(w -> !w.isEmpty()).toList();
    }
}
