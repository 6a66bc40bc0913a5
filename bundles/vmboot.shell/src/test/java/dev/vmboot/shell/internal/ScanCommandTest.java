package dev.vmboot.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.vmboot.api.boot.BootImage;
import dev.vmboot.api.fs.FileSystem;
import dev.vmboot.api.scan.DiskReport;
import dev.vmboot.api.scan.DiskScanner;
import dev.vmboot.api.scan.Location;
import dev.vmboot.api.scan.VolumeReport;

/**
 * {@code vmboot:scan}'s exit status: a path that is not a disk, an image or a partition fails (1, the reason on
 * standard error), and so does a scan of every block device that could read none; a volume that could not be read
 * keeps 0 and is marked in the report.
 */
class ScanCommandTest {
    private static final DiskReport GOOD = new DiskReport("good.img", 1 << 20, 512, Optional.empty(),
            List.of(new VolumeReport("good.img", Optional.empty(), Optional.of("vfat"), "", "", List.of(),
                    Optional.empty())), Optional.empty());
    private static final DiskReport PARTIAL = new DiskReport("partial.img", 1 << 20, 512, Optional.empty(),
            List.of(new VolumeReport("partial.img", Optional.empty(), Optional.empty(), "", "", List.of(),
                    Optional.of("reading the superblock: Input/output error"))), Optional.empty());
    private static final Map<String, DiskReport> DISKS = Map.of("good.img", GOOD, "partial.img", PARTIAL);

    @TempDir
    Path tmp;

    /** Reports the disks above; any other name as the storage bundle reports a missing file. */
    private static final class ReportingScanner implements DiskScanner {
        @Override
        public List<DiskReport> scan(List<String> disks, Consumer<String> progress) {
            if (disks.isEmpty()) { // every block device: one of them cannot be opened
                return List.of(GOOD, new DiskReport("/dev/vda", 0, 512, Optional.empty(), List.of(),
                        Optional.of("/dev/vda: Operation not permitted")));
            }
            return disks.stream().map(d -> DISKS.getOrDefault(d, new DiskReport(d, 0, 512, Optional.empty(),
                    List.of(), Optional.of(d + ": no such file")))).toList();
        }

        @Override
        public FileSystem openFileSystem(Location volume) throws IOException {
            throw new IOException("not used");
        }

        @Override
        public BootImage loadImage(String locationOrFile) throws IOException {
            throw new IOException("not used");
        }

        @Override
        public BootImage loadFile(String locationOrFile) throws IOException {
            throw new IOException("not used");
        }
    }

    private OneShotShell.Result scan(String... args) {
        return new OneShotShell(new VmbootCommands(new ReportingScanner(), new BlockDeviceOverlap(tmp)))
                .command("vmboot:scan", args);
    }

    @Test
    void aPathThatIsNoDiskFailsWithItsReasonAlone() {
        assertEquals(new OneShotShell.Result(1, "", "vmboot: /nonexistent: no such file\n"), scan("/nonexistent"));
    }

    @Test
    void theDisksThatWereReadAreReportedAndTheOthersFailTheScan() {
        OneShotShell.Result r = scan("good.img", "/a", "/b");
        assertEquals(1, r.status(), r.toString());
        assertTrue(r.out().startsWith("good.img"), r.toString());
        assertTrue(r.out().contains("error: /a: no such file"), r.toString());
        assertEquals("vmboot: /a: no such file (2 of 3 disks could not be read)\n", r.err());
    }

    @Test
    void jsonIsPrintedForScriptsEvenWhenADiskFails() {
        OneShotShell.Result r = scan("--json", "/nonexistent");
        assertEquals(1, r.status(), r.toString());
        assertTrue(r.out().contains("\"error\": \"/nonexistent: no such file\""), r.toString());
    }

    @Test
    void ofEveryBlockDeviceOnlyNoneReadableFailsTheScan() {
        OneShotShell.Result r = scan();
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.out().contains("error: /dev/vda: Operation not permitted"), r.toString());
    }

    @Test
    void anUnreadableVolumeKeepsStatusZeroAndIsMarked() {
        OneShotShell.Result r = scan("partial.img");
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.out().contains("partial: 1 of 1 volume could not be read"), r.toString());
        OneShotShell.Result j = scan("--json", "good.img", "partial.img");
        assertEquals(0, j.status(), j.toString());
        assertTrue(j.out().contains("\"unreadVolumes\": 0") && j.out().contains("\"unreadVolumes\": 1"), j.out());
    }
}
