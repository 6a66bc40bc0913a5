package dev.vmboot.payload;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The modules of one kernel ({@code lib/modules/VERSION}) and the order to load a selection of them in, the way
 * modprobe resolves dependencies: from {@code modules.dep} when the tree has one (depmod's output), otherwise from each
 * module's {@code .modinfo} section ({@code depends=}, written by modpost from the same symbol references, and
 * {@code softdep=pre:}); Debian's kernel package ships no modules.dep (its postinst runs depmod). Modules named in
 * {@code modules.builtin} are part of the kernel and need no loading.
 */
public final class KernelModuleIndex {
    private static final Logger LOG = LoggerFactory.getLogger(KernelModuleIndex.class);
    /** .modinfo larger than this is not a module's (they are a few hundred bytes to a few KiB). */
    private static final int MAX_MODINFO = 1 << 20;
    /** Dependency chains deeper than this are a cycle or a hostile tree. */
    private static final int MAX_DEPTH = 64;

    private final Map<String, Path> files;
    private final Map<String, List<String>> depFile;
    private final Set<String> builtin;
    private final Map<String, KernelModule> cache = new HashMap<>();

    private KernelModuleIndex(Map<String, Path> files, Map<String, List<String>> depFile, Set<String> builtin) {
        this.files = files;
        this.depFile = depFile;
        this.builtin = builtin;
    }

    /**
     * Indexes the modules under MODULEROOT; each file of OVERRIDES replaces the stock module of the name in its own
     * {@code .modinfo} (e.g. a rebuilt kvm-amd.ko).
     */
    public static KernelModuleIndex of(Path moduleRoot, Collection<Path> overrides) throws IOException {
        if (!Files.isDirectory(moduleRoot.resolve("kernel"))) {
            throw new IOException(moduleRoot + " is not a kernel's module directory (no kernel/ in it)");
        }
        Map<String, Path> files = new HashMap<>();
        try (Stream<Path> s = Files.walk(moduleRoot.resolve("kernel"))) {
            s.filter(p -> p.getFileName().toString().endsWith(".ko")).forEach(p -> files.put(nameOf(p), p));
        }
        Map<String, List<String>> dep = new HashMap<>();
        Path depPath = moduleRoot.resolve("modules.dep");
        if (Files.isRegularFile(depPath)) {
            for (String line : Files.readAllLines(depPath, StandardCharsets.UTF_8)) {
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    continue;
                }
                List<String> deps = new ArrayList<>();
                for (String d : line.substring(colon + 1).trim().split("\\s+")) {
                    if (!d.isEmpty()) {
                        deps.add(nameOf(Path.of(d)));
                    }
                }
                dep.put(nameOf(Path.of(line.substring(0, colon))), deps);
            }
        }
        Set<String> builtin = new HashSet<>();
        Path builtinPath = moduleRoot.resolve("modules.builtin");
        if (Files.isRegularFile(builtinPath)) {
            for (String line : Files.readAllLines(builtinPath, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    builtin.add(nameOf(Path.of(line.trim())));
                }
            }
        }
        for (Path o : overrides) {
            String name = modinfo(o).getOrDefault("name", List.of(nameOf(o))).get(0);
            files.put(KernelModule.normalise(name), o);
        }
        return new KernelModuleIndex(files, dep, builtin);
    }

    /** Whether NAME is built into the kernel. */
    public boolean isBuiltin(String name) {
        return builtin.contains(KernelModule.normalise(name));
    }

    /**
     * The modules to load for WANTED, each after what it depends on, each once; built-in ones are left out.
     *
     * @throws IOException a wanted module or a hard dependency that this kernel has neither as a module nor built in
     */
    public List<KernelModule> loadOrder(List<String> wanted) throws IOException {
        Map<String, KernelModule> order = new LinkedHashMap<>();
        for (String w : wanted) {
            visit(KernelModule.normalise(w), true, order, new HashSet<>(), 0, "the platform");
        }
        return List.copyOf(order.values());
    }

    private void visit(String name, boolean required, Map<String, KernelModule> order, Set<String> path, int depth,
                       String by) throws IOException {
        if (order.containsKey(name) || builtin.contains(name)) {
            return;
        }
        if (depth > MAX_DEPTH || !path.add(name)) {
            throw new IOException("module " + name + " is part of a dependency cycle or a chain deeper than "
                    + MAX_DEPTH);
        }
        KernelModule m = module(name);
        if (m == null) {
            if (required) {
                throw new IOException(by + " needs kernel module " + name + ", which this kernel has neither as a "
                        + "module nor built in");
            }
            LOG.info("soft dependency {} of {} is not in this kernel: left out", name, by);
            path.remove(name);
            return;
        }
        for (String s : m.softPre()) {
            visit(s, false, order, path, depth + 1, name);
        }
        for (String d : m.depends()) {
            visit(d, true, order, path, depth + 1, name);
        }
        path.remove(name);
        order.put(name, m);
    }

    private KernelModule module(String name) throws IOException {
        KernelModule m = cache.get(name);
        if (m != null || !files.containsKey(name)) {
            return m;
        }
        Path file = files.get(name);
        Map<String, List<String>> info = modinfo(file);
        List<String> depends = depFile.get(name);
        if (depends == null) {
            depends = new ArrayList<>();
            for (String v : info.getOrDefault("depends", List.of())) {
                for (String d : v.split(",")) {
                    if (!d.isBlank()) {
                        depends.add(KernelModule.normalise(d.trim()));
                    }
                }
            }
        }
        List<String> soft = new ArrayList<>();
        for (String v : info.getOrDefault("softdep", List.of())) {
            // "pre: a b post: c" (modprobe.d(5) softdep syntax)
            boolean pre = false;
            for (String t : v.trim().split("\\s+")) {
                if (t.equals("pre:")) {
                    pre = true;
                } else if (t.equals("post:")) {
                    pre = false;
                } else if (pre && !t.isEmpty()) {
                    soft.add(KernelModule.normalise(t));
                }
            }
        }
        m = new KernelModule(name, file, depends, soft);
        cache.put(name, m);
        return m;
    }

    /** The key=value strings of FILE's .modinfo section, values per key in order. */
    static Map<String, List<String>> modinfo(Path file) throws IOException {
        byte[] sec = ElfFile.read(file).section(".modinfo")
                .orElseThrow(() -> new IOException(file + " has no .modinfo section: not a kernel module"));
        if (sec.length > MAX_MODINFO) {
            throw new IOException(file + "'s .modinfo is " + sec.length + " bytes: not a kernel module's");
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        int start = 0;
        for (int i = 0; i <= sec.length; i++) {
            if (i == sec.length || sec[i] == 0) {
                String kv = new String(sec, start, i - start, StandardCharsets.UTF_8);
                int eq = kv.indexOf('=');
                if (eq > 0) {
                    out.computeIfAbsent(kv.substring(0, eq), k -> new ArrayList<>()).add(kv.substring(eq + 1));
                }
                start = i + 1;
            }
        }
        return out;
    }

    private static String nameOf(Path ko) {
        String f = ko.getFileName().toString();
        int dot = f.indexOf('.');
        return KernelModule.normalise(dot < 0 ? f : f.substring(0, dot));
    }
}
