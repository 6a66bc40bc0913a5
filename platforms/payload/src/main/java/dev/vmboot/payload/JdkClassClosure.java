package dev.vmboot.payload;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * The JDK classes a distribution can make the JVM load, and those of them a trimmed JRE lacks. Starts from every
 * class in the distribution's jars (bundles and launcher, jars nested in them too), the JDK's start-up class list
 * ({@code lib/classlist}, what the JVM and launcher load before any application code) and the service providers the
 * JRE's modules declare ({@code provides}, which ServiceLoader finds by name); follows {@link ClassReferences} through
 * the full JDK's classes of the JRE's modules, transitively. A class outside those modules is not followed: the JRE
 * never had it (the bundles import such packages optionally). Reflection with a name computed at run time, and
 * resource bundles found by locale, are what this cannot see.
 *
 * @param reached the JDK classes reachable, internal names, each with the class that first referred to it
 * @param missing those of them the trimmed JRE lacks, with the referring class
 */
record JdkClassClosure(Map<String, String> reached, Map<String, String> missing) {
    /** A jar entry larger than this is refused, as in {@link StoredJar#MAX_ENTRY}. */
    private static final long MAX_ENTRY = StoredJar.MAX_ENTRY;
    /** The root a class in the JDK's start-up list or a declared provider is reached from. */
    static final String JDK_ROOT = "(JVM start-up or a module's provides)";
    /**
     * The classes jlink generates for each image (jdk.internal.module.SystemModules$all, $default, SystemModulesMap):
     * module descriptors as code, whose strings name every package and service of the image as data, loading none;
     * not followed, and not checked (an image has its own set).
     */
    private static final String MODULE_DATA = "jdk/internal/module/SystemModules";

    JdkClassClosure {
        reached = Collections.unmodifiableMap(new TreeMap<>(reached));
        missing = Collections.unmodifiableMap(new TreeMap<>(missing));
    }

    /**
     * The closure of DISTRIBUTION's jars over this runtime's classes of MODULES, checked against the image at
     * TRIMMED (a jlinked JRE).
     */
    static JdkClassClosure of(Path distribution, List<String> modules, Path trimmed) throws IOException {
        return of(jars(distribution), modules, trimmed);
    }

    /** The closure of JARS over this runtime's classes of MODULES, checked against the image at TRIMMED. */
    static JdkClassClosure of(List<Path> jars, List<String> modules, Path trimmed) throws IOException {
        FileSystem full = FileSystems.getFileSystem(URI.create("jrt:/"));
        try (FileSystem image = FileSystems.newFileSystem(URI.create("jrt:/"),
                Map.of("java.home", trimmed.toString()))) {
            Map<String, String> moduleOfPackage = moduleOfPackage(Set.copyOf(modules));
            Map<String, String> reached = new LinkedHashMap<>();
            Deque<String> todo = new ArrayDeque<>();
            for (Path jar : jars) {
                try (InputStream in = Files.newInputStream(jar)) {
                    walkJar(in, jar.toString(), 0, moduleOfPackage, reached, todo);
                }
            }
            for (String root : jdkRoots(trimmed, modules)) {
                offer(root, JDK_ROOT, moduleOfPackage, reached, todo);
            }
            while (!todo.isEmpty()) {
                String c = todo.removeFirst();
                if (c.startsWith(MODULE_DATA)) {
                    continue;
                }
                // The image's own bytes where it has the class (jlink writes some classes anew), else the JDK's.
                String module = moduleOfPackage.get(packageOf(c));
                Path p = image.getPath("/modules", module, c + ".class");
                if (!Files.isRegularFile(p)) {
                    p = full.getPath("/modules", module, c + ".class");
                }
                if (!Files.isRegularFile(p)) {
                    continue; // a string that reads as a class name in a JDK package, but names none
                }
                for (String r : ClassReferences.of(Files.readAllBytes(p), c)) {
                    offer(r, c, moduleOfPackage, reached, todo);
                }
            }
            Map<String, String> present = new LinkedHashMap<>();
            Map<String, String> missing = new HashMap<>();
            for (Map.Entry<String, String> e : reached.entrySet()) {
                String c = e.getKey();
                String module = moduleOfPackage.get(packageOf(c));
                boolean inImage = Files.isRegularFile(image.getPath("/modules", module, c + ".class"));
                if (!inImage && !Files.isRegularFile(full.getPath("/modules", module, c + ".class"))) {
                    continue;
                }
                present.put(c, e.getValue());
                if (!inImage && !c.startsWith(MODULE_DATA)) {
                    missing.put(c, e.getValue());
                }
            }
            return new JdkClassClosure(present, missing);
        }
    }

    private static void offer(String name, String from, Map<String, String> moduleOfPackage,
                              Map<String, String> reached, Deque<String> todo) {
        if (moduleOfPackage.containsKey(packageOf(name)) && !reached.containsKey(name)) {
            reached.put(name, from);
            todo.addLast(name);
        }
    }

    /** Reads a jar from IN: the JDK classes its classes refer to, and those of the jars inside it (depth 1). */
    private static void walkJar(InputStream in, String origin, int depth, Map<String, String> moduleOfPackage,
                                Map<String, String> reached, Deque<String> todo) throws IOException {
        ZipInputStream zip = new ZipInputStream(in);
        for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
            String name = e.getName();
            boolean isClass = name.endsWith(".class") && !name.endsWith("module-info.class");
            boolean isJar = name.endsWith(".jar") && depth == 0;
            if (!isClass && !isJar) {
                continue;
            }
            byte[] b = zip.readNBytes((int) MAX_ENTRY + 1);
            if (b.length > MAX_ENTRY) {
                throw new IOException(origin + "!" + name + " is larger than " + (MAX_ENTRY >> 20) + " MiB");
            }
            String where = origin + "!" + name;
            if (isJar) {
                walkJar(new ByteArrayInputStream(b), where, depth + 1, moduleOfPackage, reached, todo);
                continue;
            }
            try {
                for (String r : ClassReferences.of(b, where)) {
                    offer(r, where, moduleOfPackage, reached, todo);
                }
            } catch (IllegalArgumentException ex) {
                throw new IOException(ex.getMessage(), ex);
            }
        }
    }

    /** The jars of the distribution: bundle/, lib/ and deploy/. */
    static List<Path> jars(Path distribution) throws IOException {
        try (Stream<Path> s = Files.walk(distribution)) {
            return s.filter(p -> p.toString().endsWith(".jar") && Files.isRegularFile(p)).sorted().toList();
        }
    }

    /** The classes the JVM loads before any of the distribution's (lib/classlist) and the modules' providers. */
    private static List<String> jdkRoots(Path trimmed, List<String> modules) throws IOException {
        List<String> roots = new java.util.ArrayList<>();
        Path classlist = trimmed.resolve("lib/classlist");
        if (Files.isRegularFile(classlist)) {
            for (String line : Files.readAllLines(classlist, StandardCharsets.UTF_8)) {
                // "java/lang/Object id: 0"; lines starting with @ describe lambda forms and archived lambdas
                if (!line.isBlank() && !line.startsWith("@") && !line.startsWith("#")) {
                    roots.add(line.strip().split("\\s+")[0]);
                }
            }
        }
        ModuleFinder system = ModuleFinder.ofSystem();
        for (String m : modules) {
            ModuleDescriptor d = system.find(m).orElseThrow(() -> new IOException("this JDK has no module " + m))
                    .descriptor();
            for (ModuleDescriptor.Provides p : d.provides()) {
                roots.add(p.service().replace('.', '/'));
                p.providers().forEach(c -> roots.add(c.replace('.', '/')));
            }
            d.mainClass().ifPresent(c -> roots.add(c.replace('.', '/')));
        }
        return roots;
    }

    /** The module of each package of MODULES, from this runtime's module descriptors (internal form). */
    private static Map<String, String> moduleOfPackage(Set<String> modules) throws IOException {
        Map<String, String> out = new HashMap<>();
        ModuleFinder system = ModuleFinder.ofSystem();
        for (String m : modules) {
            ModuleDescriptor d = system.find(m).orElseThrow(() -> new IOException("this JDK has no module " + m))
                    .descriptor();
            d.packages().forEach(p -> out.put(p.replace('.', '/'), m));
        }
        return out;
    }

    private static String packageOf(String internalName) {
        int slash = internalName.lastIndexOf('/');
        return slash < 0 ? "" : internalName.substring(0, slash);
    }
}
