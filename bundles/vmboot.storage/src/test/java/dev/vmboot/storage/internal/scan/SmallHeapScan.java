package dev.vmboot.storage.internal.scan;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.vmboot.api.boot.BootCandidate;
import dev.vmboot.api.fs.FileSystemReader;
import dev.vmboot.api.scan.DiskReport;
import dev.vmboot.api.scan.VolumeReport;
import dev.vmboot.storage.internal.BlockStorage;
import dev.vmboot.storage.internal.SysfsBlockDevices;
import dev.vmboot.testkit.CompressionBombs;
import dev.vmboot.testkit.MemoryFileSystem;

/**
 * Run by {@link SmallHeapScanTest} in a JVM of its own with a small heap: scans a disk whose one volume holds a kernel
 * and eleven 72-byte .xz files each naming a 1.5 GiB dictionary, and prints each volume's error and candidates.
 */
public final class SmallHeapScan {
    static final int BOMBS = 11;

    private SmallHeapScan() {
    }

    public static void main(String[] args) throws IOException {
        Path disk = Path.of(args[0]);
        Files.write(disk, FakeReader.superblock(1));
        MemoryFileSystem fs = new MemoryFileSystem(FakeReader.TYPE, "bombs").file("/boot/vmlinuz", TestImages.bzImage(100_000));
        for (int i = 0; i < BOMBS; i++) {
            fs.file("/boot/bomb-" + i + ".xz", CompressionBombs.xz(CompressionBombs.XZ_DICTIONARY_1536_MIB));
        }
        List<FileSystemReader> readers = List.of(new FakeReader().volume(1, fs));
        BlockStorage storage = new BlockStorage(new SysfsBlockDevices(Path.of("/nonexistent-sys"), Path.of("/dev")));
        for (DiskReport d : new ScanEngine(storage, readers, ScanSettings.defaults()).scan(List.of(disk.toString()),
                m -> { })) {
            for (VolumeReport v : d.volumes()) {
                System.out.println("error: " + v.error().orElse(""));
                for (BootCandidate c : v.candidates()) {
                    System.out.println("boot: " + c.path() + " " + c.kind());
                }
            }
        }
    }
}
