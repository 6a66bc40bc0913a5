package dev.vmboot.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EtcConfigurationFilesTest {
    @TempDir
    Path etc;

    private List<String> names(Optional<String> filter) throws IOException {
        return EtcConfigurationFiles.expected(etc, filter).stream()
                .map(uri -> uri.substring(uri.lastIndexOf('/') + 1)).toList();
    }

    @Test
    void withoutAFilterEveryCfgFileIsAwaited() throws IOException {
        Files.writeString(etc.resolve("dev.vmboot.storage.scan.cfg"), "maxDepth = 2\n");
        Files.writeString(etc.resolve("org.apache.felix.fileinstall-deploy.cfg"), "felix.fileinstall.dir = x\n");
        Files.writeString(etc.resolve("gosh_profile"), "motd\n");

        assertEquals(List.of("dev.vmboot.storage.scan.cfg", "org.apache.felix.fileinstall-deploy.cfg"),
                names(Optional.empty()));
    }

    @Test
    void aFilterLeavesOutWhatFileInstallWillNotInstall() throws IOException {
        Files.writeString(etc.resolve("dev.vmboot.storage.scan.cfg"), "maxDepth = 2\n");
        Files.writeString(etc.resolve("org.apache.felix.fileinstall-deploy.cfg"), "felix.fileinstall.dir = x\n");

        // The launcher's one-shot filter: configuration files other than FileInstall's own watchers.
        assertEquals(List.of("dev.vmboot.storage.scan.cfg"),
                names(Optional.of("(?!org\\.apache\\.felix\\.fileinstall-).*\\.(cfg|config)")));
        // Matched against the whole name, as FileInstall matches it: "scan" alone matches nothing.
        assertEquals(List.of(), names(Optional.of("scan")));
    }
}
