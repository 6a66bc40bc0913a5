package dev.vmboot.boottests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/vmboot COMMAND} as an operator's shell runs it, with its standard output redirected: extract to
 * {@code /dev/stdout} gives the file's bytes and nothing else, appended where the shell appends; a missing source leaves
 * the target as it was; bad arguments exit 2 with one line. Needs no KVM.
 */
class OneShotCommandsTest {
    private static final long COMMAND_TIMEOUT_SECONDS = 120;

    private final BootTestEnvironment env = BootTestEnvironment.fromSystemProperties();

    @TempDir
    Path tmp;
    private byte[] content;
    private Path disk;

    /** One command's end: its status and its standard error. */
    private record Ended(int status, String err) {
    }

    @BeforeEach
    void aDiskWithAFile() throws IOException, InterruptedException {
        content = new byte[300_000];
        new Random(11).nextBytes(content);
        Path file = Files.write(tmp.resolve("payload.bin"), content);
        disk = GuestDisks.esp(env, tmp.resolve("esp.img"), 36, Map.of("payload.bin", file));
    }

    /** Runs {@code bin/vmboot ARGS} with standard output appended to STDOUT. */
    private Ended vmboot(Path stdout, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(env.launcher().toString()));
        command.addAll(List.of(args));
        Path stderr = tmp.resolve("stderr.txt");
        Process p = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.appendTo(stdout.toFile()))
                .redirectError(stderr.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        if (!p.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("bin/vmboot " + String.join(" ", args) + " did not end within "
                    + COMMAND_TIMEOUT_SECONDS + " s");
        }
        return new Ended(p.exitValue(), Files.readString(stderr, StandardCharsets.UTF_8));
    }

    @Test
    void extractToStandardOutputAppendsTheFileAndNothingElse() throws Exception {
        Path out = Files.writeString(tmp.resolve("out.bin"), "what the file held before\n");
        Ended e = vmboot(out, "extract", disk + ":1:/payload.bin", "/dev/stdout");
        assertEquals(0, e.status(), e.err());
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.write("what the file held before\n".getBytes(StandardCharsets.US_ASCII));
        expected.write(content);
        assertArrayEquals(expected.toByteArray(), Files.readAllBytes(out));
    }

    @Test
    void aMissingSourceLeavesTheTargetAsItWas() throws Exception {
        Path precious = Files.writeString(tmp.resolve("precious.txt"), "the operator's own\n");
        Ended e = vmboot(tmp.resolve("out.txt"), "extract", disk + ":1:/no-such-file", precious.toString());
        assertEquals(new Ended(1, "vmboot: " + disk + ":1:/no-such-file: no such file or directory\n"), e);
        assertEquals("the operator's own\n", Files.readString(precious));
    }

    @Test
    void badArgumentsAreOneLineAndExitTwo() throws Exception {
        Path out = tmp.resolve("out.txt");
        assertEquals(new Ended(2, "vmboot: stop: 'abc' is not a VM ID; vmboot:list shows the IDs\n"),
                vmboot(out, "stop", "abc"));
        assertEquals(new Ended(2, "vmboot: ls takes one LOCATION, <disk>[:<partition>][:<path>] such as "
                + "disk.img:2:/boot; it was given none\n"), vmboot(out, "ls"));
        assertEquals("", Files.readString(out));
    }
}
