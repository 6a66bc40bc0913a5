package dev.vmboot.payload;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The classes of library bundles (jars named in {@code bundles.slim}) that the rest of the distribution can load:
 * starting from every class of the other jars (vmboot's bundles, Felix, the launcher), the service providers the
 * libraries declare ({@code META-INF/services}, which ServiceLoader finds by name), their {@code Bundle-Activator}
 * and {@code Main-Class}, and following {@link ClassReferences} (class names in strings included) through the
 * libraries' classes, transitively. A library class nothing reaches is left out of the payload's copy of the jar;
 * its other entries (resources, manifest) stay. Only libraries that load none of their own classes by a name they
 * compute belong in the list (what this cannot see).
 *
 * @param kept    for each slimmed jar (file name), the class entries kept
 * @param dropped for each slimmed jar, the class entries left out
 * @param emptied for each slimmed jar, the packages (dotted) that had classes, have none left and that no bundle of
 *                the distribution imports: what it need not export
 */
record BundleClassClosure(Map<String, Set<String>> kept, Map<String, Set<String>> dropped,
                          Map<String, Set<String>> emptied) {
    private static final String VERSIONS = "META-INF/versions/";

    BundleClassClosure {
        kept = Collections.unmodifiableMap(new TreeMap<>(kept));
        dropped = Collections.unmodifiableMap(new TreeMap<>(dropped));
        emptied = Collections.unmodifiableMap(new TreeMap<>(emptied));
    }

    /** The closure over JARS (every jar of the distribution) for the jars whose file names start with a SLIM name. */
    static BundleClassClosure of(List<Path> jars, List<String> slim) throws IOException {
        Map<String, List<String[]>> entriesOfClass = new HashMap<>(); // class -> {slimmed jar, entry} holding it
        Map<String, Map<String, byte[]>> slimClasses = new HashMap<>(); // jar -> entry -> bytes
        Set<String> reached = new HashSet<>();
        Set<String> imported = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>();
        List<byte[]> rootClasses = new ArrayList<>();
        List<String> rootOrigins = new ArrayList<>();
        for (Path jar : jars) {
            String name = jar.getFileName().toString();
            boolean slimmed = slim.stream().anyMatch(s -> name.startsWith(s + "-"));
            try (ZipFile zip = new ZipFile(jar.toFile())) {
                for (ZipEntry e : Collections.list(zip.entries())) {
                    String n = e.getName();
                    if (n.endsWith(".class") && !n.endsWith("module-info.class")) {
                        byte[] b = read(zip, e, jar);
                        if (slimmed) {
                            slimClasses.computeIfAbsent(name, k -> new HashMap<>()).put(n, b);
                            entriesOfClass.computeIfAbsent(className(n), k -> new ArrayList<>())
                                    .add(new String[] {name, n});
                        } else {
                            rootClasses.add(b);
                            rootOrigins.add(name + "!" + n);
                        }
                    } else if (slimmed && n.startsWith("META-INF/services/") && !n.endsWith("/")) {
                        for (String line : new String(read(zip, e, jar), StandardCharsets.UTF_8).split("\n")) {
                            String c = line.replaceFirst("#.*", "").strip();
                            if (!c.isEmpty()) {
                                todo.add(c.replace('.', '/'));
                            }
                        }
                        todo.add(n.substring("META-INF/services/".length()).replace('.', '/'));
                    } else if (n.equals(JarFile.MANIFEST_NAME)) {
                        Attributes main = new Manifest(new ByteArrayInputStream(read(zip, e, jar))).getMainAttributes();
                        String imports = main.getValue("Import-Package");
                        if (imports != null) {
                            for (String clause : BundleHeaders.split(imports, ',')) {
                                for (String p : BundleHeaders.split(clause, ';')) {
                                    if (p.contains("=")) {
                                        break;
                                    }
                                    imported.add(p.strip());
                                }
                            }
                        }
                        if (!slimmed) {
                            continue;
                        }
                        for (String h : List.of("Bundle-Activator", "Main-Class")) {
                            String v = main.getValue(h);
                            if (v != null) {
                                todo.add(v.strip().replace('.', '/'));
                            }
                        }
                    }
                }
            }
        }
        for (int i = 0; i < rootClasses.size(); i++) {
            todo.addAll(refs(rootClasses.get(i), rootOrigins.get(i)));
        }
        while (!todo.isEmpty()) {
            String c = todo.removeFirst();
            List<String[]> in = entriesOfClass.get(c);
            if (in == null || !reached.add(c)) {
                continue;
            }
            for (String[] jarEntry : in) {
                todo.addAll(refs(slimClasses.get(jarEntry[0]).get(jarEntry[1]), jarEntry[0] + "!" + jarEntry[1]));
            }
        }
        Map<String, Set<String>> kept = new HashMap<>();
        Map<String, Set<String>> dropped = new HashMap<>();
        for (Map.Entry<String, Map<String, byte[]>> j : slimClasses.entrySet()) {
            for (String entry : j.getValue().keySet()) {
                String c = className(entry);
                (reached.contains(c) ? kept : dropped).computeIfAbsent(j.getKey(), k -> new TreeSet<>()).add(entry);
            }
        }
        Map<String, Set<String>> emptied = new HashMap<>();
        for (Map.Entry<String, Set<String>> j : dropped.entrySet()) {
            Set<String> gone = new TreeSet<>();
            j.getValue().forEach(e -> gone.add(packageOf(className(e))));
            kept.getOrDefault(j.getKey(), Set.of()).forEach(e -> gone.remove(packageOf(className(e))));
            gone.removeAll(imported);
            if (!gone.isEmpty()) {
                emptied.put(j.getKey(), gone);
            }
        }
        return new BundleClassClosure(kept, dropped, emptied);
    }

    private static String packageOf(String className) {
        int slash = className.lastIndexOf('/');
        return slash < 0 ? "" : className.substring(0, slash).replace('/', '.');
    }

    /**
     * The class an entry holds: its path less ".class", and less the {@code META-INF/versions/N/} of a multi-release
     * jar (JAR File Specification, "Multi-release JAR files"), whose versioned class stands in for the base one on
     * Java N and later: kept and followed with it.
     */
    static String className(String entry) {
        String c = entry.substring(0, entry.length() - ".class".length());
        if (c.startsWith(VERSIONS)) {
            int slash = c.indexOf('/', VERSIONS.length());
            if (slash > 0) {
                c = c.substring(slash + 1);
            }
        }
        return c;
    }

    private static Set<String> refs(byte[] classFile, String origin) throws IOException {
        try {
            return ClassReferences.of(classFile, origin);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private static byte[] read(ZipFile zip, ZipEntry e, Path jar) throws IOException {
        if (e.getSize() > StoredJar.MAX_ENTRY) {
            throw new IOException(jar + "!" + e.getName() + " is larger than " + (StoredJar.MAX_ENTRY >> 20) + " MiB");
        }
        try (InputStream in = zip.getInputStream(e)) {
            byte[] b = in.readNBytes((int) StoredJar.MAX_ENTRY + 1);
            if (b.length > StoredJar.MAX_ENTRY) {
                throw new IOException(jar + "!" + e.getName() + " is larger than " + (StoredJar.MAX_ENTRY >> 20)
                        + " MiB");
            }
            return b;
        }
    }
}
