package dev.vmboot.shell.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vmboot:extract} as the operator runs it: the target is replaced only by a complete copy of a source that
 * exists, never by a half or an empty one, and never when it is the disk being read or a block device not forced.
 */
class ExtractCommandTest {
    private static final byte[] HELLO = "hello from the image\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PRECIOUS = "the operator's own data\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] IMAGE = "an image's bytes, not to be lost\n".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path tmp;
    private Path image;
    private Path precious;
    private InMemoryDisk disk;
    private OneShotShell shell;

    @BeforeEach
    void aDiskAndAPreciousFile() throws IOException {
        image = Files.write(tmp.resolve("fat.img"), IMAGE);
        precious = Files.write(tmp.resolve("precious.txt"), PRECIOUS);
        disk = new InMemoryDisk(image.toString()).file("hello.txt", HELLO)
                .failingFile("corrupt.bin", new byte[100], 30);
        shell = new OneShotShell(new VmbootCommands(disk, new BlockDeviceOverlap(tmp.resolve("no-sysfs"))));
    }

    private OneShotShell.Result extract(String... args) {
        return shell.command("vmboot:extract", args);
    }

    private List<String> leftInTmp() throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aFileIsCopiedOutByteForByte() throws IOException {
        Path target = tmp.resolve("out.txt");
        OneShotShell.Result r = extract(image + ":/hello.txt", target.toString());
        assertEquals(0, r.status(), r.toString());
        assertArrayEquals(HELLO, Files.readAllBytes(target));
        assertTrue(r.out().contains(HELLO.length + " bytes written to " + target), r.toString());
        assertEquals(List.of("fat.img", "out.txt", "precious.txt"), leftInTmp(), "nothing else left behind");
    }

    @Test
    void aMissingSourceLeavesTheTargetAsItWas() throws IOException {
        OneShotShell.Result r = extract(image + ":/no-such-file", precious.toString());
        assertEquals(1, r.status(), r.toString());
        assertTrue(r.err().contains(image + ":/no-such-file: no such file"), r.toString());
        assertArrayEquals(PRECIOUS, Files.readAllBytes(precious));
    }

    @Test
    void aDirectoryAsSourceLeavesTheTargetAsItWas() throws IOException {
        OneShotShell.Result r = extract(image + ":/", precious.toString());
        assertEquals(1, r.status(), r.toString());
        assertTrue(r.err().contains("is a directory, not a file"), r.toString());
        assertArrayEquals(PRECIOUS, Files.readAllBytes(precious));
    }

    @Test
    void aSourceFailingHalfWayLeavesTheTargetAsItWasAndNoTemporaryFile() throws IOException {
        OneShotShell.Result r = extract(image + ":/corrupt.bin", precious.toString());
        assertEquals(1, r.status(), r.toString());
        assertTrue(r.err().contains("extent at block 1234 lies beyond the device"), r.toString());
        assertArrayEquals(PRECIOUS, Files.readAllBytes(precious));
        assertEquals(List.of("fat.img", "precious.txt"), leftInTmp());
    }

    @Test
    void theDiskBeingReadIsNeverTheTargetEvenForced() throws IOException {
        for (String target : List.of(image.toString(), tmp.resolve(".").resolve("fat.img").toString())) {
            OneShotShell.Result r = extract(image + ":/hello.txt", target);
            assertEquals(2, r.status(), r.toString());
            assertEquals("vmboot: extract: FILE " + target + " is the disk being read; name another file\n", r.err());
            r = extract("--force", image + ":/hello.txt", target);
            assertEquals(2, r.status(), r.toString());
        }
        Path link = Files.createSymbolicLink(tmp.resolve("link.img"), image);
        assertEquals(2, extract(image + ":/hello.txt", link.toString()).status(), "a link to the disk is the disk");
        assertArrayEquals(IMAGE, Files.readAllBytes(image));
        assertTrue(disk.opened.isEmpty(), "refused before the disk was even opened: " + disk.opened);
    }

    @Test
    void anExistingFileIsReplacedWholeAndKeepsItsPermissions() throws IOException {
        Files.setPosixFilePermissions(precious, PosixFilePermissions.fromString("rw-r-----"));
        OneShotShell.Result r = extract(image + ":/hello.txt", precious.toString());
        assertEquals(0, r.status(), r.toString());
        assertArrayEquals(HELLO, Files.readAllBytes(precious));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(precious)));
        assertEquals(List.of("fat.img", "precious.txt"), leftInTmp());
    }

    /** The new file beside a target whose name is as long as Linux allows (NAME_MAX, 255) still has a name. */
    @Test
    void aTargetWithTheLongestNameIsReplacedToo() throws IOException {
        Path target = Files.writeString(tmp.resolve("n".repeat(255)), "old");
        OneShotShell.Result r = extract(image + ":/hello.txt", target.toString());
        assertEquals(0, r.status(), r.toString());
        assertArrayEquals(HELLO, Files.readAllBytes(target));
    }

    @Test
    void throughASymbolicLinkTheFileItNamesIsReplacedAndTheLinkStays() throws IOException {
        Path link = Files.createSymbolicLink(tmp.resolve("link.txt"), precious);
        OneShotShell.Result r = extract(image + ":/hello.txt", link.toString());
        assertEquals(0, r.status(), r.toString());
        assertTrue(Files.isSymbolicLink(link));
        assertArrayEquals(HELLO, Files.readAllBytes(precious));
    }

    @Test
    void aDirectoryAsTargetIsRefused() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("dir"));
        OneShotShell.Result r = extract(image + ":/hello.txt", dir.toString());
        assertEquals(2, r.status(), r.toString());
        assertEquals("vmboot: extract: FILE " + dir + " is a directory; name the file to write\n", r.err());
    }

    @Test
    void devNullStaysFine() {
        OneShotShell.Result r = extract(image + ":/hello.txt", "/dev/null");
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.out().contains(HELLO.length + " bytes written to /dev/null"), r.toString());
    }

    /**
     * {@code >> log} in a shell: the descriptor's file keeps what it had and gets the bytes after it (the descriptor
     * here is one this test opens, found in /proc/self/fd).
     */
    @Test
    void anOpenDescriptorIsAppendedTo() throws IOException {
        Path log = Files.writeString(tmp.resolve("log"), "a line before\n");
        try (FileOutputStream appending = new FileOutputStream(log.toFile(), true)) {
            Path descriptor = openDescriptorOf(log);
            OneShotShell.Result r = extract(image + ":/hello.txt", descriptor.toString());
            assertEquals(0, r.status(), r.toString());
            assertEquals(HELLO.length + " bytes written to " + descriptor + "\n", r.out());
        }
        assertEquals("a line before\n" + new String(HELLO, StandardCharsets.US_ASCII), Files.readString(log));
    }

    private static Path openDescriptorOf(Path file) throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    if (Files.readSymbolicLink(fd).equals(file.toRealPath())) {
                        return fd;
                    }
                } catch (IOException e) {
                    // the directory stream's own descriptor, closed by now
                }
            }
        }
        throw new IllegalStateException("no descriptor of " + file + " in /proc/self/fd");
    }

    @Test
    void aPipeGetsTheBytesInPlace() throws Exception {
        Path fifo = tmp.resolve("fifo");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertEquals(0, mkfifo.waitFor(), "mkfifo");
        CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> {
            try (InputStream in = Files.newInputStream(fifo)) {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        OneShotShell.Result r = extract(image + ":/hello.txt", fifo.toString());
        assertEquals(0, r.status(), r.toString());
        assertArrayEquals(HELLO, read.get(60, TimeUnit.SECONDS));
        assertTrue(Files.readAttributes(fifo, java.nio.file.attribute.BasicFileAttributes.class).isOther(), "still the pipe");
    }

    @Test
    void aBlockDeviceIsRefusedUnlessForced() throws Exception {
        Path device = BlockDeviceNode.in(tmp);
        OneShotShell.Result r = extract(image + ":/hello.txt", device.toString());
        assertEquals(2, r.status(), r.toString());
        assertEquals("vmboot: extract: FILE " + device + " is a block device, which would be overwritten from its "
                + "first byte; give --force to do that\n", r.err());
        assertTrue(disk.opened.isEmpty(), "refused before the disk was even opened: " + disk.opened);
    }
}
