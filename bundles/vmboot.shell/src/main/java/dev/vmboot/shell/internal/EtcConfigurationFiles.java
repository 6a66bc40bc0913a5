package dev.vmboot.shell.internal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The configuration files in {@code etc/} that FileInstall will hand to Configuration Admin: every {@code *.cfg}, or,
 * when the framework property {@value #FILTER_PROPERTY} is set (the launcher sets it for one-shot runs), those whose
 * name the filter matches as a whole, as FileInstall's scanner matches it.
 */
final class EtcConfigurationFiles {
    static final String FILTER_PROPERTY = "felix.fileinstall.filter";

    private EtcConfigurationFiles() {
    }

    /** The files FileInstall installs from {@code etc}, as the {@code File.toURI()} strings it records them by. */
    static List<String> expected(Path etc, Optional<String> filter) throws IOException {
        Pattern pattern = filter.map(Pattern::compile).orElse(null);
        List<String> files = new ArrayList<>();
        try (DirectoryStream<Path> cfgs = Files.newDirectoryStream(etc, "*.cfg")) {
            for (Path p : cfgs) {
                if (pattern == null || pattern.matcher(p.getFileName().toString()).matches()) {
                    files.add(p.toFile().toURI().toString());
                }
            }
        }
        files.sort(null);
        return files;
    }
}
