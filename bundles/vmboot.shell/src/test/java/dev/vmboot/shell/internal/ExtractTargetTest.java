package dev.vmboot.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How {@link ExtractTarget} takes each kind of host file, decided without writing anything. */
class ExtractTargetTest {
    @TempDir
    Path tmp;

    private ExtractTarget check(String file, String sourceDisk, boolean force) {
        return ExtractTarget.check(file, sourceDisk, force, new BlockDeviceOverlap(tmp.resolve("sys")));
    }

    private String refusal(String file, String sourceDisk, boolean force) {
        return assertThrows(UsageException.class, () -> check(file, sourceDisk, force)).getMessage();
    }

    @Test
    void openDescriptorsAreWrittenInPlaceWhateverTheyAre() {
        for (String descriptor : new String[] {"/dev/stdout", "/dev/stderr", "/dev/fd/1", "/proc/self/fd/2"}) {
            ExtractTarget t = check(descriptor, "disk.img", false);
            assertEquals(ExtractTarget.Kind.STREAM, t.kind(), descriptor);
            assertEquals(Path.of(descriptor), t.path(), descriptor);
        }
    }

    /** {@code extract LOCATION /dev/stdout > file}: the bytes are the output, with no summary line among them. */
    @Test
    void standardOutputIsKnownWhateverItIsCalled() throws IOException {
        assertTrue(check("/proc/self/fd/1", "disk.img", false).isStandardOutput());
        assertTrue(check("/dev/stdout", "disk.img", false).isStandardOutput());
        assertFalse(check(tmp.resolve("file").toString(), "disk.img", false).isStandardOutput());
    }

    @Test
    void characterDevicesArePlainStreams() {
        assertEquals(ExtractTarget.Kind.STREAM, check("/dev/null", "disk.img", false).kind());
    }

    @Test
    void aNewFileIsMadeBesideWhereItWillBe() throws IOException {
        ExtractTarget t = check(tmp.resolve("new.bin").toString(), "disk.img", false);
        assertEquals(ExtractTarget.Kind.REPLACED_FILE, t.kind());
        assertEquals(tmp.resolve("new.bin"), t.path());
        Path regular = Files.writeString(tmp.resolve("old.bin"), "x");
        assertEquals(regular.toRealPath(), check(regular.toString(), "disk.img", false).path());
    }

    @Test
    void aFileInADirectoryThatIsNotThereIsRefused() {
        Path missing = tmp.resolve("no-dir/file");
        assertEquals("extract: FILE " + missing + " cannot be made: there is no directory " + tmp.resolve("no-dir"),
                refusal(missing.toString(), "disk.img", false));
    }

    @Test
    void aDanglingLinksTargetIsShownBoundedAndWithoutControlCharacters() throws IOException {
        String target = "\u001b[2J" + "x".repeat(300);
        Path link = Files.createSymbolicLink(tmp.resolve("hostile"), Path.of(target));
        assertEquals("extract: FILE " + link + " is a symbolic link to '\\x1b[2J" + "x".repeat(76)
                + "...', which does not exist; name the file to write", refusal(link.toString(), "disk.img", false));
    }

    @Test
    void aLinkToNothingIsRefusedRatherThanFollowedOrReplaced() throws IOException {
        Path link = Files.createSymbolicLink(tmp.resolve("dangling"), tmp.resolve("nowhere"));
        assertEquals("extract: FILE " + link + " is a symbolic link to '" + tmp.resolve("nowhere")
                + "', which does not exist; name the file to write", refusal(link.toString(), "disk.img", false));
    }

    @Test
    void aPathWithANulCharacterIsRefused() {
        assertEquals("extract: FILE a\0b is no path (Nul character not allowed); name the host file to write",
                refusal("a\0b", "disk.img", false));
        assertEquals("extract: FILE  is empty; name the host file to write", refusal("", "disk.img", false));
    }

    @Test
    void aForcedBlockDeviceIsWrittenInPlaceUnlessItSharesBlocksWithTheDiskRead() throws Exception {
        Path disk = BlockDeviceNode.make(tmp, "disk", 1);
        Path partition = BlockDeviceNode.make(tmp, "disk1", 2);
        Path other = BlockDeviceNode.make(tmp, "other", 3);
        Path devices = Files.createDirectories(tmp.resolve("sys/devices/pci0000:00/block/sdz/sdz1"));
        Files.createDirectories(tmp.resolve("sys/devices/pci0000:00/block/sdy"));
        Path byNumber = Files.createDirectories(tmp.resolve("sys/dev/block"));
        Files.createSymbolicLink(byNumber.resolve("0:1"), devices.getParent());
        Files.createSymbolicLink(byNumber.resolve("0:2"), devices);
        Files.createSymbolicLink(byNumber.resolve("0:3"), tmp.resolve("sys/devices/pci0000:00/block/sdy"));

        assertEquals(ExtractTarget.Kind.BLOCK_DEVICE, check(other.toString(), disk.toString(), true).kind());
        assertEquals(ExtractTarget.Kind.BLOCK_DEVICE, check(partition.toString(), "disk.img", true).kind());
        assertEquals("extract: FILE " + partition + " shares blocks with the disk being read, " + disk
                + "; name another device", refusal(partition.toString(), disk.toString(), true));
        assertEquals("extract: FILE " + disk + " shares blocks with the disk being read, " + partition
                + "; name another device", refusal(disk.toString(), partition.toString(), true));
        assertEquals("extract: FILE " + disk + " is the disk being read; name another file",
                refusal(disk.toString(), disk.toString(), true));
    }
}
