package dev.vmboot.acpi;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Runs ACPICA's {@code iasl -d} (Debian acpica-tools) on a table and returns what it said and wrote. */
final class Iasl {

    /** The disassembler's console output and the .dsl it produced. */
    record Disassembly(int exitCode, String output, String dsl) {
    }

    /** Where Debian's acpica-tools puts it. */
    static final Path EXECUTABLE = Path.of("/usr/bin/iasl");

    /**
     * Fails unless EXECUTABLE is there: the tables' tests are promised to run (scripts/test installs acpica-tools
     * through scripts/install-deps), so a machine without it fails them rather than skipping them.
     */
    static void require(Path executable) {
        if (!Files.isExecutable(executable)) {
            throw new AssertionError("no " + executable + ": these tests need ACPICA's iasl; scripts/install-deps "
                    + "installs it (Debian package acpica-tools)");
        }
    }

    static Disassembly disassemble(Path dir, String name, byte[] table) throws IOException, InterruptedException {
        require(EXECUTABLE);
        Path dat = dir.resolve(name + ".dat");
        Files.write(dat, table);
        Process p = new ProcessBuilder("iasl", "-d", dat.getFileName().toString()).directory(dir.toFile())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("iasl did not finish");
        }
        Path dsl = dir.resolve(name + ".dsl");
        return new Disassembly(p.exitValue(), out,
                Files.exists(dsl) ? Files.readString(dsl, StandardCharsets.ISO_8859_1) : "");
    }

    /** Compiles ASL or a data-table source with {@code iasl}; fails unless it succeeds without errors. */
    static byte[] compile(Path dir, String name, String source) throws IOException, InterruptedException {
        require(EXECUTABLE);
        Path asl = dir.resolve(name + ".asl");
        Files.writeString(asl, source, StandardCharsets.ISO_8859_1);
        Process p = new ProcessBuilder("iasl", asl.getFileName().toString()).directory(dir.toFile())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("iasl did not finish");
        }
        if (p.exitValue() != 0 || !out.contains(" 0 Errors")) {
            throw new AssertionError("iasl could not compile " + name + ":\n" + out);
        }
        return Files.readAllBytes(dir.resolve(name + ".aml"));
    }

    private Iasl() {
    }
}
