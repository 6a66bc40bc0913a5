package dev.vmboot.payload;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Rewrites a jar for the payload: every entry STORED (uncompressed), so that the initramfs's xz compresses the classes
 * once and well instead of failing to compress deflated bytes again, and native libraries only for x86-64 Linux: an
 * entry that is a native library (by its name) is kept only if it is an ELF object for x86-64 with a Linux OS ABI;
 * the {@code Bundle-NativeCode} clauses left without a library are removed. Imports of JDK packages the payload's
 * JRE lacks become optional ({@link BundleHeaders#optionalImports}). Class entries the caller names (those nothing in
 * the distribution can load, {@link BundleClassClosure}) are left out.
 *
 * @param nativesKept    the names of the native libraries kept
 * @param nativesDropped the names of the native libraries left out
 * @param keptElf        the kept native libraries' bytes, by name, for the shared library closure
 * @param madeOptional   the imported packages made optional
 */
public record StoredJar(List<String> nativesKept, List<String> nativesDropped, Map<String, byte[]> keptElf,
                        List<String> madeOptional) {
    /** A jar entry larger than this is refused (the largest here is zstd-jni's 1.7 MiB AIX library). */
    static final long MAX_ENTRY = 64L << 20;
    /** Name endings of native libraries (ELF, Mach-O, PE, JNI on macOS). */
    /** Platform names (JNA's com.sun.jna.Platform resource prefixes, zstd-jni's directories) that are not Linux. */
    private static final Set<String> OTHER_OS = Set.of("darwin", "mac", "macos", "macosx", "osx", "win", "win32",
            "win64", "windows", "freebsd", "kfreebsd", "openbsd", "netbsd", "dragonflybsd", "dragonfly", "sunos",
            "solaris", "aix", "android", "ios");
    private static final List<String> NATIVE_SUFFIXES = List.of(".so", ".dylib", ".jnilib", ".dll", ".a", ".sl");

    /**
     * Writes SOURCE rewritten to TARGET.
     *
     * @param absentPackages the JDK's packages that the payload's JRE does not hold
     */
    public static StoredJar rewrite(Path source, Path target, Set<String> absentPackages) throws IOException {
        return rewrite(source, target, absentPackages, Set.of(), Set.of());
    }

    /**
     * Writes SOURCE rewritten to TARGET without the entries LEAVEOUT names, and without exporting UNEXPORT.
     *
     * @param absentPackages the JDK's packages that the payload's JRE does not hold
     * @param unexport       packages left without a class, taken out of {@code Export-Package}
     */
    public static StoredJar rewrite(Path source, Path target, Set<String> absentPackages, Set<String> leaveOut,
                                    Set<String> unexport) throws IOException {
        List<String> optional = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        List<String> dropped = new ArrayList<>();
        Map<String, byte[]> elf = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(source.toFile());
             OutputStream fo = Files.newOutputStream(target);
             ZipOutputStream out = new ZipOutputStream(fo)) {
            List<ZipEntry> entries = new ArrayList<>();
            for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
                entries.add(en.nextElement());
            }
            Set<String> keptNames = new HashSet<>();
            for (ZipEntry e : entries) {
                if (isNative(e.getName())) {
                    byte[] b = read(zip, e, source);
                    if (ElfFile.hasElfMagic(b) && linuxX8664(b, source + "!" + e.getName())
                            && !namesOtherOs(e.getName())) {
                        kept.add(e.getName());
                        keptNames.add(e.getName());
                        elf.put(e.getName(), b);
                    } else {
                        dropped.add(e.getName());
                    }
                }
            }
            Set<String> droppedSet = new HashSet<>(dropped);
            for (ZipEntry e : entries) {
                if (droppedSet.contains(e.getName()) || leaveOut.contains(e.getName())) {
                    continue;
                }
                byte[] b = read(zip, e, source);
                if (e.getName().equals(JarFile.MANIFEST_NAME)) {
                    b = rewriteManifest(b, dropped.isEmpty() ? null : keptNames, absentPackages, optional, unexport);
                }
                ZipEntry s = new ZipEntry(e.getName());
                s.setMethod(ZipEntry.STORED);
                s.setSize(b.length);
                s.setCompressedSize(b.length);
                CRC32 crc = new CRC32();
                crc.update(b);
                s.setCrc(crc.getValue());
                s.setTime(e.getTime());
                out.putNextEntry(s);
                out.write(b);
                out.closeEntry();
            }
        }
        return new StoredJar(kept, dropped, elf, optional);
    }

    public StoredJar {
        madeOptional = List.copyOf(madeOptional);
        nativesKept = List.copyOf(nativesKept);
        nativesDropped = List.copyOf(nativesDropped);
        keptElf = Collections.unmodifiableMap(new LinkedHashMap<>(keptElf));
    }

    /**
     * Whether a path names an operating system other than Linux in one of its words ({@code com/sun/jna/
     * dragonflybsd-x86-64/}, {@code freebsd/amd64/}). Needed besides the ELF header: the BSDs' and Android's
     * x86-64 libraries often carry the System V OS ABI, as Linux's do (JNA's DragonFly library does).
     */
    static boolean namesOtherOs(String name) {
        for (String word : name.toLowerCase(Locale.ROOT).split("[/\\-_.]")) {
            if (OTHER_OS.contains(word)) {
                return true;
            }
        }
        return false;
    }

    static boolean isNative(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return !n.endsWith("/") && NATIVE_SUFFIXES.stream().anyMatch(n::endsWith);
    }

    private static boolean linuxX8664(byte[] b, String origin) {
        try {
            return ElfFile.read(b, origin).isLinuxX8664();
        } catch (ElfFormatException e) {
            return false;
        }
    }

    /** The manifest with KEPT's native code clauses only (KEPT null: unchanged) and ABSENT imports optional. */
    private static byte[] rewriteManifest(byte[] manifestBytes, Set<String> kept, Set<String> absent,
                                          List<String> optional, Set<String> unexport) throws IOException {
        Manifest m = new Manifest(new ByteArrayInputStream(manifestBytes));
        Attributes main = m.getMainAttributes();
        boolean changed = false;
        String nativeCode = main.getValue("Bundle-NativeCode");
        if (nativeCode != null && kept != null) {
            String filtered = BundleHeaders.retain(nativeCode, kept);
            if (filtered == null) {
                main.remove(new Attributes.Name("Bundle-NativeCode"));
            } else {
                main.putValue("Bundle-NativeCode", filtered);
            }
            changed = true;
        }
        String exports = main.getValue("Export-Package");
        if (exports != null && !unexport.isEmpty()) {
            String left = BundleHeaders.withoutExports(exports, unexport);
            if (left == null) {
                main.remove(new Attributes.Name("Export-Package"));
            } else {
                main.putValue("Export-Package", left);
            }
            changed = true;
        }
        String imports = main.getValue("Import-Package");
        if (imports != null) {
            for (String clause : BundleHeaders.split(imports, ',')) {
                for (String p : BundleHeaders.split(clause, ';')) {
                    if (absent.contains(p.strip())) {
                        optional.add(p.strip());
                    }
                }
            }
            if (!optional.isEmpty()) {
                main.putValue("Import-Package", BundleHeaders.optionalImports(imports, absent));
                changed = true;
            }
        }
        if (!changed) {
            return manifestBytes;
        }
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        m.write(bo);
        return bo.toByteArray();
    }

    private static byte[] read(ZipFile zip, ZipEntry e, Path source) throws IOException {
        if (e.getSize() > MAX_ENTRY) {
            throw new IOException(source + "!" + e.getName() + " is larger than " + (MAX_ENTRY >> 20) + " MiB");
        }
        try (InputStream in = zip.getInputStream(e)) {
            byte[] b = in.readNBytes((int) MAX_ENTRY + 1);
            if (b.length > MAX_ENTRY) {
                throw new IOException(source + "!" + e.getName() + " is larger than " + (MAX_ENTRY >> 20) + " MiB");
            }
            return b;
        }
    }
}
