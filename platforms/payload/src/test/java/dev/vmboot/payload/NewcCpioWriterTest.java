package dev.vmboot.payload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The writer's archives, extracted by GNU cpio, give back exactly what was written. */
class NewcCpioWriterTest {
    private static final long MTIME = 1_600_000_000L;

    @TempDir
    Path tmp;

    @Test
    void gnuCpioExtractsWhatWasWritten() throws Exception {
        Random rnd = new Random(14);
        // Sizes around newc's 4-byte alignment, and one larger than a 512-byte block.
        int[] sizes = {0, 1, 2, 3, 4, 5, 511, 512, 513, 70_000};
        Path source = tmp.resolve("source.bin");
        byte[] big = new byte[300_001];
        rnd.nextBytes(big);
        Files.write(source, big);
        Files.setLastModifiedTime(source, java.nio.file.attribute.FileTime.fromMillis(1_234_567_000L));
        Path archive = tmp.resolve("a.cpio");
        byte[][] contents = new byte[sizes.length][];
        try (OutputStream out = Files.newOutputStream(archive); NewcCpioWriter w = new NewcCpioWriter(out, MTIME)) {
            w.directory("empty", 0700);
            for (int i = 0; i < sizes.length; i++) {
                contents[i] = new byte[sizes[i]];
                rnd.nextBytes(contents[i]);
                w.file("d/sub/f" + i, i % 2 == 0 ? 0644 : 0755, contents[i]);
            }
            w.file("streamed", 0600, source);
            w.file("d/naïve name", 0644, "ü\n".getBytes(StandardCharsets.UTF_8));
            w.symlink("d/link", "sub/f3");
            w.symlink("abs", "/lib/x86_64-linux-gnu/libc.so.6");
            w.charDevice("dev/console", 0600, 5, 1);
        }
        Path out = Files.createDirectory(tmp.resolve("out"));
        // Without the device node (making one needs root): it is checked in the listing below.
        run(out, archive, "cpio", "-i", "-d", "-m", "--quiet", "--no-absolute-filenames", "--nonmatching",
                "dev/console");

        for (int i = 0; i < sizes.length; i++) {
            Path f = out.resolve("d/sub/f" + i);
            assertArrayEquals(contents[i], Files.readAllBytes(f), f.toString());
            assertEquals(i % 2 == 0 ? "rw-r--r--" : "rwxr-xr-x", perms(f), f.toString());
            assertEquals(MTIME, Files.getLastModifiedTime(f).toMillis() / 1000, f.toString());
        }
        assertArrayEquals(big, Files.readAllBytes(out.resolve("streamed")));
        assertEquals("rw-------", perms(out.resolve("streamed")));
        assertEquals(1_234_567L, Files.getLastModifiedTime(out.resolve("streamed")).toMillis() / 1000);
        assertEquals("ü\n", Files.readString(out.resolve("d/naïve name")));
        assertEquals(Path.of("sub/f3"), Files.readSymbolicLink(out.resolve("d/link")));
        assertEquals(Path.of("/lib/x86_64-linux-gnu/libc.so.6"), Files.readSymbolicLink(out.resolve("abs")));
        assertTrue(Files.isDirectory(out.resolve("empty")));
        assertEquals("rwx------", perms(out.resolve("empty")));
        assertEquals("rwxr-xr-x", perms(out.resolve("d/sub"))); // made for its first file

        String listing = run(out, archive, "cpio", "-t", "-v", "--quiet");
        String console = listing.lines().filter(l -> l.endsWith(" dev/console")).findFirst().orElseThrow();
        assertTrue(console.matches("crw------- +1 root +root +5, +1 .*"), console);
        // Every entry once: what cpio lists is what was written, in order.
        List<String> names = listing.lines().map(l -> l.substring(l.lastIndexOf(' ') + 1)).toList();
        assertEquals(List.of("empty", "d", "d/sub", "d/sub/f0"), names.subList(0, 4));
        assertEquals(19, names.size(), listing);
    }

    @Test
    void sameInputsGiveTheSameBytes() throws IOException {
        assertArrayEquals(archive(), archive());
    }

    @Test
    void refusesDuplicateAndEscapingNames() throws IOException {
        try (NewcCpioWriter w = new NewcCpioWriter(new ByteArrayOutputStream(), MTIME)) {
            w.file("a", 0644, new byte[1]);
            assertThrows(IOException.class, () -> w.file("a", 0644, new byte[1]));
            for (String bad : List.of("", "/etc/passwd", "../x", "a/../../x", "a//b", "dir/", "./a")) {
                assertThrows(IOException.class, () -> w.file(bad, 0644, new byte[0]), bad);
            }
        }
    }

    private static byte[] archive() throws IOException {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (NewcCpioWriter w = new NewcCpioWriter(bo, MTIME)) {
            w.file("x/y", 0644, new byte[] {1, 2, 3});
            w.symlink("x/z", "y");
        }
        return bo.toByteArray();
    }

    private static String perms(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    private static String run(Path dir, Path stdin, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectInput(stdin.toFile())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "cpio did not end");
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
