package dev.vmboot.payload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The closure found from ELF headers is what ldd(1) (the dynamic loader itself) finds for the JDK's binaries. */
class SharedLibraryClosureTest {
    private static final Path JAVA_HOME = Path.of(System.getProperty("java.home"));
    /** "name => /path (0x...)", "/lib64/ld-linux-x86-64.so.2 (0x...)", "name => not found" */
    private static final Pattern LDD_LINE = Pattern.compile("\\s*(\\S+)(?: => (\\S+))? \\(0x[0-9a-f]+\\)");

    @Test
    void matchesLddForTheJresBinaries() throws Exception {
        List<Path> roots = new ArrayList<>();
        roots.add(JAVA_HOME.resolve("bin/java"));
        try (Stream<Path> s = Files.walk(JAVA_HOME.resolve("lib"))) {
            s.filter(p -> p.toString().endsWith(".so")).sorted().forEach(roots::add);
        }
        SharedLibraryClosure closure = SharedLibraryClosure.of(roots, LibrarySearchPath.host());

        Set<Path> fromLdd = new TreeSet<>();
        Path jre = JAVA_HOME.toRealPath();
        for (Path r : roots) {
            for (String line : ldd(r).lines().toList()) {
                Matcher m = LDD_LINE.matcher(line);
                if (!m.matches() || m.group(1).startsWith("linux-vdso")) {
                    continue;
                }
                Path lib = Path.of(m.group(2) != null ? m.group(2) : m.group(1)).toRealPath();
                if (!lib.startsWith(jre)) {
                    fromLdd.add(lib);
                }
            }
        }
        Set<Path> found = new TreeSet<>(closure.libraries().values());
        closure.interpreter().ifPresent(i -> found.add(i.getValue()));
        assertFalse(fromLdd.isEmpty());
        assertEquals(fromLdd, found);
        assertEquals("/lib64/ld-linux-x86-64.so.2", closure.interpreter().orElseThrow().getKey());
        assertTrue(closure.libraries().containsKey("libstdc++.so.6"), closure.libraries().toString()); // libjvm's
        assertFalse(closure.libraries().containsKey("libjvm.so"), "the JRE's own libraries are not in the closure");
    }

    private static String ldd(Path file) throws Exception {
        Process p = new ProcessBuilder("ldd", file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return out;
    }
}
