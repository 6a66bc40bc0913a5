package dev.vmboot.payload;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a JRE exclusion file (src/main/platforms/jre-exclude.txt): one {@code resource GLOB} (jlink's
 * {@code --exclude-resources}) or {@code file GLOB} ({@code --exclude-files}) a line, {@code #} comments and blank
 * lines ignored. Each kind becomes one jlink option with its patterns joined by commas, jlink's separator, so a
 * pattern may not hold one.
 */
final class JreExclusions {
    /** A file longer than this is no exclusion list. */
    private static final long MAX_BYTES = 1 << 20;

    private JreExclusions() {
    }

    /** The jlink options FILE asks for: {@code --exclude-resources P1,P2 --exclude-files F1}, those present. */
    static List<String> jlinkOptions(Path file) throws IOException {
        if (Files.size(file) > MAX_BYTES) {
            throw new IOException(file + " is larger than " + (MAX_BYTES >> 20) + " MiB");
        }
        List<String> resources = new ArrayList<>();
        List<String> files = new ArrayList<>();
        int n = 0;
        for (String raw : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            n++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] kv = line.split("\\s+", 2);
            if (kv.length != 2 || kv[1].contains(",")) {
                throw new IOException(file + " line " + n + ": \"" + line
                        + "\" is not \"resource GLOB\" or \"file GLOB\" (a glob without a comma)");
            }
            switch (kv[0]) {
                case "resource" -> resources.add(kv[1]);
                case "file" -> files.add(kv[1]);
                default -> throw new IOException(file + " line " + n + ": \"" + kv[0]
                        + "\" is neither resource nor file");
            }
        }
        List<String> out = new ArrayList<>();
        if (!resources.isEmpty()) {
            out.add("--exclude-resources");
            out.add(String.join(",", resources));
        }
        if (!files.isEmpty()) {
            out.add("--exclude-files");
            out.add(String.join(",", files));
        }
        return out;
    }
}
