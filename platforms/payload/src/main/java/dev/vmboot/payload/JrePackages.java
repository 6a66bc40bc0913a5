package dev.vmboot.payload;

import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The packages a Java runtime image holds, read from its jrt file system ({@code /packages}, JEP 220). */
final class JrePackages {
    private JrePackages() {
    }

    /** The packages of the runtime image at JAVAHOME (a jlinked JRE or a JDK). */
    static Set<String> of(Path javaHome) throws IOException {
        try (FileSystem jrt = FileSystems.newFileSystem(URI.create("jrt:/"), Map.of("java.home", javaHome.toString()));
             Stream<Path> s = Files.list(jrt.getPath("/packages"))) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toUnmodifiableSet());
        }
    }

    /** The packages of the runtime this builder runs on (the JDK the JRE is linked from). */
    static Set<String> ofThisRuntime() throws IOException {
        return of(Path.of(System.getProperty("java.home")));
    }
}
