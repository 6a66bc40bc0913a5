package dev.vmboot.payload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The shared libraries a set of ELF objects needs, transitively, found from their DT_NEEDED entries the way ld.so(8)
 * finds them: DT_RPATH of the object (when it has no DT_RUNPATH) and of the executable, then DT_RUNPATH, then the
 * system search path; {@code $ORIGIN} is the directory of the object that names the path. A candidate that is not an
 * x86-64 Linux object is skipped, as the loader skips a library of the wrong class. Names found among the roots (the
 * JRE's own libjvm.so, libjli.so) resolve to those and are not part of the result.
 *
 * @param libraries   each needed name (as written in DT_NEEDED) and the host file it resolved to, in discovery order
 * @param interpreter the dynamic loader the executables name (PT_INTERP) and its host file, if any root has one
 */
public record SharedLibraryClosure(Map<String, Path> libraries, Optional<Map.Entry<String, Path>> interpreter) {
    /** More libraries than this is not a JRE's closure: stop rather than walk on. */
    static final int MAX_LIBRARIES = 512;

    public SharedLibraryClosure {
        libraries = Collections.unmodifiableMap(new LinkedHashMap<>(libraries));
    }

    /**
     * Computes the closure of ROOTS (executables and libraries, e.g. every ELF file of a JRE).
     *
     * @throws IOException a needed library that is nowhere on the search path, or an unreadable object
     */
    public static SharedLibraryClosure of(Collection<Path> rootFiles, LibrarySearchPath search) throws IOException {
        List<Path> roots = new ArrayList<>();
        for (Path r : rootFiles) {
            roots.add(r.toRealPath());
        }
        Map<String, Path> rootsByName = new LinkedHashMap<>();
        for (Path r : roots) {
            rootsByName.putIfAbsent(r.getFileName().toString(), r);
        }
        Map<String, Path> found = new LinkedHashMap<>();
        Map.Entry<String, Path> interp = null;
        Deque<Path> todo = new ArrayDeque<>();
        Map<Path, ElfFile> parsed = new LinkedHashMap<>();
        for (Path r : roots) {
            ElfFile elf = ElfFile.read(r);
            parsed.put(r, elf);
            todo.add(r);
            if (interp == null && elf.interpreter().isPresent()) {
                String path = elf.interpreter().get();
                interp = Map.entry(path, Path.of(path).toRealPath());
            }
        }
        while (!todo.isEmpty()) {
            Path obj = todo.poll();
            ElfFile elf = parsed.get(obj);
            for (String name : elf.needed()) {
                if (found.containsKey(name)) {
                    continue;
                }
                Path lib = resolve(name, obj, elf, roots, rootsByName, search, parsed);
                if (lib == null) {
                    throw new IOException(obj + " needs " + name + ", which is on none of its RPATH/RUNPATH, "
                            + "ld.so.conf or the default library directories");
                }
                if (roots.contains(lib)) {
                    continue;
                }
                found.put(name, lib);
                if (found.size() > MAX_LIBRARIES) {
                    throw new IOException("more than " + MAX_LIBRARIES + " shared libraries needed: giving up");
                }
                todo.add(lib);
            }
        }
        // The loader itself may be named in DT_NEEDED (libjvm.so does): it is the interpreter, packed once.
        if (interp != null) {
            Path interpFile = interp.getValue();
            found.values().removeIf(p -> p.equals(interpFile));
        }
        return new SharedLibraryClosure(found, Optional.ofNullable(interp));
    }

    private static Path resolve(String name, Path obj, ElfFile elf, Collection<Path> roots,
                                Map<String, Path> rootsByName, LibrarySearchPath search, Map<Path, ElfFile> parsed)
            throws IOException {
        if (name.contains("/")) {
            return candidate(Path.of(name), parsed);
        }
        List<Path> dirs = new ArrayList<>();
        Path origin = obj.getParent();
        if (elf.runpath().isEmpty()) {
            elf.rpath().forEach(d -> dirs.add(expand(d, origin)));
        }
        elf.runpath().forEach(d -> dirs.add(expand(d, origin)));
        for (Path d : dirs) {
            Path c = candidate(d.resolve(name), parsed);
            if (c != null) {
                return c;
            }
        }
        // A name the roots provide but no path reaches (the JRE's libjvm.so is found by dlopen with a full path).
        Path root = rootsByName.get(name);
        if (root != null) {
            return root;
        }
        for (Path d : search.directories()) {
            Path c = candidate(d.resolve(name), parsed);
            if (c != null) {
                return c;
            }
        }
        return null;
    }

    private static Path expand(String dir, Path origin) {
        String o = origin.toString();
        return Path.of(dir.replace("${ORIGIN}", o).replace("$ORIGIN", o)).normalize();
    }

    /** FILE's real path if it exists and is an x86-64 Linux ELF object, else null (the loader would go on). */
    private static Path candidate(Path file, Map<Path, ElfFile> parsed) throws IOException {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        Path real = file.toRealPath();
        ElfFile elf = parsed.get(real);
        if (elf == null) {
            try {
                elf = ElfFile.read(real);
            } catch (ElfFormatException e) {
                return null;
            }
            if (!elf.isLinuxX8664()) {
                return null;
            }
            parsed.put(real, elf);
        }
        return real;
    }
}
