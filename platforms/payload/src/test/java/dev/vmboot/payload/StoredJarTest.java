package dev.vmboot.payload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoredJarTest {
    private static final String LINUX = "linux/amd64/libz-jni.so";
    private static final String HEADER = LINUX + ";osname=Linux;processor=amd64,"
            + "linux/aarch64/libz-jni.so;osname=Linux;processor=aarch64,"
            + "freebsd/amd64/libz-jni.so;osname=FreeBSD;processor=amd64,"
            + "win/amd64/libz-jni.dll;osname=Win32;processor=amd64;osversion=\"[6.1,7)\",*";

    @TempDir
    Path tmp;

    @Test
    void storesEveryEntryAndKeepsOnlyX8664LinuxNatives() throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put(JarFile.MANIFEST_NAME, ("Manifest-Version: 1.0\nBundle-SymbolicName: z\n"
                + "Import-Package: java.beans,org.osgi.framework;version=\"[1.8,2)\"\nBundle-NativeCode: "
                + HEADER.replaceAll("(.{60})", "$1\n ") + "\n").getBytes());
        entries.put("z/Z.class", "class bytes ".repeat(100).getBytes());
        entries.put(LINUX, TestElf.header(ElfFile.EM_X86_64, 0));
        entries.put("linux/aarch64/libz-jni.so", TestElf.header(TestElf.EM_AARCH64, 0));
        entries.put("freebsd/amd64/libz-jni.so", TestElf.header(ElfFile.EM_X86_64, TestElf.ELFOSABI_FREEBSD));
        entries.put("dragonflybsd-x86-64/libz-jni.so", TestElf.header(ElfFile.EM_X86_64, 0));
        entries.put("win/amd64/libz-jni.dll", "MZ".getBytes());
        entries.put("notes/readme.txt", "a .so is fine here".getBytes());
        Path in = tmp.resolve("in.jar");
        try (OutputStream o = Files.newOutputStream(in); ZipOutputStream z = new ZipOutputStream(o)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey())); // deflated
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        Path out = tmp.resolve("out.jar");
        StoredJar r = StoredJar.rewrite(in, out, Set.of("java.beans", "java.awt"));

        assertEquals(List.of(LINUX), r.nativesKept());
        assertEquals(4, r.nativesDropped().size());
        assertEquals(Set.of(LINUX), r.keptElf().keySet());
        try (ZipFile z = new ZipFile(out.toFile())) {
            List<String> names = new ArrayList<>();
            for (ZipEntry e : Collections.list(z.entries())) {
                names.add(e.getName());
                assertEquals(ZipEntry.STORED, e.getMethod(), e.getName());
                if (!e.getName().equals(JarFile.MANIFEST_NAME)) {
                    assertArrayEquals(entries.get(e.getName()), z.getInputStream(e).readAllBytes(), e.getName());
                }
            }
            assertEquals(List.of(JarFile.MANIFEST_NAME, "z/Z.class", LINUX, "notes/readme.txt"), names);
            Manifest m = new Manifest(z.getInputStream(z.getEntry(JarFile.MANIFEST_NAME)));
            assertEquals(LINUX + ";osname=Linux;processor=amd64,*", m.getMainAttributes().getValue("Bundle-NativeCode"));
            assertEquals("z", m.getMainAttributes().getValue("Bundle-SymbolicName"));
            assertEquals("java.beans;resolution:=optional,org.osgi.framework;version=\"[1.8,2)\"",
                    m.getMainAttributes().getValue("Import-Package"));
            assertEquals(List.of("java.beans"), r.madeOptional());
        }
    }

    @Test
    void exportsOfPackagesLeftWithoutAClassAreDropped() {
        assertEquals("e.f;uses:=\"x,y\"", BundleHeaders.withoutExports(
                "a.b;version=\"1.0\",c.d;e.f;uses:=\"x,y\"", Set.of("a.b", "c.d")));
        assertEquals("a.b;version=1", BundleHeaders.withoutExports("a.b;version=1", Set.of("z")));
        assertNull(BundleHeaders.withoutExports("a.b,c.d", Set.of("a.b", "c.d")));
    }

    @Test
    void nativeCodeHeaderKeepsQuotedCommasAndDropsEmptyHeaders() {
        String win = "win/a.dll;osname=Win32;osversion=\"[6.1,7)\"";
        assertEquals(win, BundleHeaders.retain(win + ",linux/a.so;osname=Linux", Set.of("win/a.dll")));
        assertNull(BundleHeaders.retain(win + ",*", Set.of("linux/a.so")));
        assertEquals("a.so;b.so;osname=Linux", BundleHeaders.retain("a.so;b.so;osname=Linux", Set.of("b.so")));
        assertEquals("p;version=1;resolution:=mandatory,java.beans;q.r;version=1;resolution:=optional",
                BundleHeaders.optionalImports("p;java.beans;q.r;version=1;resolution:=mandatory",
                        Set.of("java.beans", "q.r")));
    }
}
