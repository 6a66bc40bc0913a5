package dev.vmboot.storage.internal.scan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.vmboot.api.boot.BootCandidate;
import dev.vmboot.api.boot.BootImage;
import dev.vmboot.api.boot.Compression;
import dev.vmboot.api.boot.ImageKind;
import dev.vmboot.api.fs.FileSystem;
import dev.vmboot.api.fs.FileSystemReader;
import dev.vmboot.api.fs.FsPaths;
import dev.vmboot.api.scan.DiskReport;
import dev.vmboot.api.scan.Location;
import dev.vmboot.api.scan.VolumeReport;
import dev.vmboot.api.storage.BlockDevice;
import dev.vmboot.api.storage.PartitionScheme;
import dev.vmboot.storage.internal.BlockStorage;
import dev.vmboot.storage.internal.SysfsBlockDevices;
import dev.vmboot.storage.internal.SysfsBlockDevicesFixture;
import dev.vmboot.testkit.ExternalTool;
import dev.vmboot.testkit.MemoryFileSystem;

class ScanEngineTest {
    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;

    private final BlockStorage storage = new BlockStorage(new SysfsBlockDevices(Path.of("/nonexistent-sys"),
            Path.of("/dev")));
    private final List<FileSystemReader> readers = new CopyOnWriteArrayList<>();
    private MemoryFileSystem esp;
    private FakeReader fake;
    private Path disk;
    private byte[] firmware;
    private byte[] kernel;

    /** Throws from probe, like a reader bundle with a bug. */
    private static final FileSystemReader THROWING = new FileSystemReader() {
        @Override
        public String type() {
            return "broken";
        }

        @Override
        public boolean probe(BlockDevice device) {
            throw new IllegalStateException("probe exploded");
        }

        @Override
        public FileSystem open(BlockDevice device) {
            throw new AssertionError("never opened");
        }
    };

    @BeforeEach
    void disk() throws IOException {
        firmware = TestImages.pvhElf();
        kernel = TestImages.bzImage(300_000);
        esp = new MemoryFileSystem(FakeReader.TYPE, "ESP")
                .file("/EFI/vmboot/CLOUDHV.fd", firmware)
                .file("/EFI/BOOT/BOOTX64.EFI", pe())
                .file("/EFI/a/b/c/d/e/deep.fd", TestImages.firmwareVolume(8192))
                .file("/EFI/a/b/c/d/shallow.fd", TestImages.firmwareVolume(8192))
                .file("/boot/vmlinuz-6.1.0-13-amd64", kernel)
                .file("/boot/vmlinuz-6.1.0-13-amd64.gz", TestImages.compress(Compression.GZIP, kernel))
                .file("/boot/config-6.1.0-13-amd64", "CONFIG_X86=y\n".repeat(20).getBytes())
                .symlink("/vmlinuz", "boot/vmlinuz-6.1.0-13-amd64")
                .symlink("/dangling", "/nowhere")
                .file("/firmware/OVMF.fd", TestImages.firmwareVolume(64 * 1024))
                .file("/elsewhere/CLOUDHV.fd", firmware);
        fake = new FakeReader().volume(1, esp).corrupt(2, "bad magic in the second superblock");
        readers.add(fake);
        readers.add(THROWING);

        disk = dir.resolve("disk.img");
        try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
            f.setLength(32 * MIB);
        }
        ExternalTool.run("sgdisk", "-n", "1:2048:+8M", "-t", "1:ef00", "-c", "1:ESP", "-n", "2:0:+8M",
                "-n", "3:0:+4M", disk.toString());
        write(disk, 2048 * 512, FakeReader.superblock(1));
        write(disk, (2048 + 16384) * 512, FakeReader.superblock(2));
    }

    private ScanEngine engine() {
        return new ScanEngine(storage, readers, ScanSettings.defaults());
    }

    private static byte[] pe() {
        byte[] b = new byte[4096];
        b[0] = 'M';
        b[1] = 'Z';
        return b;
    }

    @Test
    void scanReportsEachPartitionAndRanksCandidates() throws IOException {
        List<DiskReport> reports = engine().scan(List.of(disk.toString()), m -> { });
        assertEquals(1, reports.size());
        DiskReport r = reports.get(0);
        assertEquals(Optional.empty(), r.error());
        assertEquals(32 * MIB, r.size());
        assertEquals(PartitionScheme.GPT, r.table().orElseThrow().scheme());
        assertEquals(3, r.volumes().size());

        VolumeReport v1 = r.volumes().get(0);
        assertEquals(disk + ":1", v1.location());
        assertEquals(Optional.of("fakefs"), v1.fsType());
        assertEquals("ESP", v1.label());
        assertEquals("EFI System", v1.partition().orElseThrow().typeName());
        List<String> paths = v1.candidates().stream().map(BootCandidate::path).toList();
        assertEquals(List.of("/EFI/vmboot/CLOUDHV.fd", "/firmware/OVMF.fd", "/boot/vmlinuz-6.1.0-13-amd64",
                "/boot/vmlinuz-6.1.0-13-amd64.gz", "/vmlinuz", "/EFI/a/b/c/d/shallow.fd"), paths);
        BootCandidate first = v1.candidates().get(0);
        assertEquals(new BootCandidate(disk + ":1", "/EFI/vmboot/CLOUDHV.fd", ImageKind.PVH_ELF, Compression.NONE,
                firmware.length, first.rank()), first);
        BootCandidate gz = v1.candidates().get(3);
        assertEquals(ImageKind.BZIMAGE, gz.kind());
        assertEquals(Compression.GZIP, gz.compression());
        assertEquals(Optional.empty(), v1.error(), "a dangling symlink is not an error");

        VolumeReport v2 = r.volumes().get(1);
        assertEquals(Optional.empty(), v2.fsType());
        assertTrue(v2.error().orElseThrow().contains("fakefs: fake superblock at byte 0: bad magic in the second"
                + " superblock"), v2.error().toString());
        assertTrue(v2.error().orElseThrow().contains("broken probe failed: probe exploded"), v2.error().toString());

        VolumeReport v3 = r.volumes().get(2);
        assertEquals(Optional.of("unknown filesystem (tried broken, fakefs): broken probe failed: probe exploded"),
                v3.error());
        assertEquals(1, esp.closes.get(), "the one filesystem opened was closed once");
    }

    @Test
    void aReaderRemovedBetweenScansMakesItsFilesystemUnknownUntilItComesBack() throws IOException {
        ScanEngine engine = engine();
        assertEquals(Optional.of("fakefs"), engine.scan(List.of(disk.toString()), m -> { }).get(0).volumes().get(0)
                .fsType());
        readers.remove(fake);
        VolumeReport without = engine.scan(List.of(disk.toString()), m -> { }).get(0).volumes().get(0);
        assertEquals(Optional.empty(), without.fsType());
        assertEquals(List.of(), without.candidates());
        assertTrue(without.error().orElseThrow().startsWith("unknown filesystem (tried broken)"));
        readers.remove(THROWING);
        assertEquals(Optional.of("unknown filesystem (no filesystem readers are installed)"),
                engine.scan(List.of(disk.toString()), m -> { }).get(0).volumes().get(0).error());
        readers.add(fake);
        VolumeReport again = engine.scan(List.of(disk.toString()), m -> { }).get(0).volumes().get(0);
        assertEquals(Optional.of("fakefs"), again.fsType());
        assertEquals("/EFI/vmboot/CLOUDHV.fd", again.candidates().get(0).path());
    }

    @Test
    void aDiskThatFailsIsReportedAndTheScanGoesOn() throws IOException {
        Path corrupt = dir.resolve("corrupt.img");
        Files.copy(disk, corrupt);
        write(corrupt, 512 + 60, new byte[] {0x5A});
        write(corrupt, 32 * MIB - 512 + 60, new byte[] {0x5A});
        List<DiskReport> reports = engine().scan(List.of(dir.resolve("missing.img").toString(), corrupt.toString(),
                disk.toString()), m -> { });
        assertEquals(3, reports.size());
        assertTrue(reports.get(0).error().orElseThrow().contains("no such file"), reports.get(0).toString());
        assertTrue(reports.get(1).error().orElseThrow().startsWith("GPT: both headers are unusable"));
        assertEquals(Optional.empty(), reports.get(1).table());
        assertEquals(Optional.empty(), reports.get(2).error());
        assertEquals(3, reports.get(2).volumes().size());
    }

    @Test
    void anUnpartitionedDiskIsOneVolume() throws IOException {
        Path whole = dir.resolve("whole.img");
        Files.write(whole, new byte[(int) MIB]);
        write(whole, 0, FakeReader.superblock(1));
        DiskReport r = engine().scan(List.of(whole.toString()), m -> { }).get(0);
        assertEquals(PartitionScheme.NONE, r.table().orElseThrow().scheme());
        assertEquals(1, r.volumes().size());
        assertEquals(whole.toString(), r.volumes().get(0).location());
        assertEquals(Optional.empty(), r.volumes().get(0).partition());
        assertEquals(Optional.of("fakefs"), r.volumes().get(0).fsType());
        try (FileSystem fs = engine().openFileSystem(Location.parse(whole.toString()))) {
            assertEquals("ESP", fs.label());
        }
    }

    @Test
    void placesDepthAndFileLimitsAreHonoured() throws IOException {
        ScanSettings onlyEfi = ScanSettings.defaults().withPlaces(List.of("/EFI/**"));
        List<String> paths = new ScanEngine(storage, readers, onlyEfi).scan(List.of(disk.toString()), m -> { })
                .get(0).volumes().get(0).candidates().stream().map(BootCandidate::path).toList();
        assertEquals(List.of("/EFI/vmboot/CLOUDHV.fd", "/EFI/a/b/c/d/shallow.fd"), paths);

        ScanSettings elsewhere = ScanSettings.defaults().withPlaces(List.of("/elsewhere", "/missing", "/vmlinuz"));
        paths = new ScanEngine(storage, readers, elsewhere).scan(List.of(disk.toString()), m -> { }).get(0)
                .volumes().get(0).candidates().stream().map(BootCandidate::path).toList();
        assertEquals(List.of("/elsewhere/CLOUDHV.fd"), paths);

        ScanSettings twoFiles = ScanSettings.defaults().withPlaces(List.of("/boot")).withLimits(2, 1 << 20, 1000);
        paths = new ScanEngine(storage, readers, twoFiles).scan(List.of(disk.toString()), m -> { }).get(0)
                .volumes().get(0).candidates().stream().map(BootCandidate::path).toList();
        assertEquals(2, paths.size(), paths.toString());
    }

    @Test
    void progressIsReportedOnlyOnceTheScanHasRunLongEnough() throws IOException {
        List<String> quiet = new ArrayList<>();
        engine().scan(List.of(disk.toString()), quiet::add);
        assertEquals(List.of(), quiet);
        List<String> messages = new ArrayList<>();
        new ScanEngine(storage, readers, ScanSettings.defaults().withLimits(512, 1 << 20, 0))
                .scan(List.of(disk.toString()), messages::add);
        assertEquals(List.of("scanning " + disk, "scanning " + disk + ":1 (fakefs)", "scanning " + disk
                + ":2 (fakefs)"), messages);
    }

    @Test
    void openFileSystemAndLoadImageByLocation() throws IOException {
        ScanEngine engine = engine();
        try (FileSystem fs = engine.openFileSystem(Location.parse(disk + ":1"))) {
            assertEquals("ESP", fs.label());
            assertEquals(firmware.length, FsPaths.resolve(fs, "/EFI/vmboot/CLOUDHV.fd").size());
        }
        BootImage fw = engine.loadImage(disk + ":1:/EFI/vmboot/CLOUDHV.fd");
        assertEquals(disk + ":1:/EFI/vmboot/CLOUDHV.fd", fw.name());
        assertArrayEquals(firmware, bytes(fw));
        assertArrayEquals(kernel, bytes(engine.loadImage(disk + ":1:/boot/vmlinuz-6.1.0-13-amd64.gz")));
        assertArrayEquals(kernel, bytes(engine.loadImage(disk + ":1:/vmlinuz")));

        IOException noPartition = assertThrows(IOException.class, () -> engine.openFileSystem(Location.parse(
                disk.toString())));
        assertTrue(noPartition.getMessage().contains("has a GPT partition table: name a partition"),
                noPartition.getMessage());
        assertTrue(assertThrows(IOException.class, () -> engine.openFileSystem(Location.parse(disk + ":7")))
                .getMessage().endsWith("has no partition 7 (partitions: 1, 2, 3)"));
        assertTrue(assertThrows(IOException.class, () -> engine.openFileSystem(Location.parse(disk + ":3")))
                .getMessage().contains("no installed reader recognises it (tried broken, fakefs)"));
        assertTrue(assertThrows(IOException.class, () -> engine.loadImage(disk + ":1:/EFI"))
                .getMessage().endsWith("is a directory, not a file"));
    }

    @Test
    void loadImageDecompressesHostFilesAndEnforcesTheLimit() throws IOException {
        for (Compression c : Compression.values()) {
            Path f = dir.resolve("kernel." + c);
            Files.write(f, TestImages.compress(c, kernel));
            assertArrayEquals(kernel, bytes(engine().loadImage(f.toString())), c.name());
        }
        ScanEngine small = new ScanEngine(storage, readers, ScanSettings.defaults().withLimits(512, 100_000, 1000));
        Path gz = dir.resolve("kernel.GZIP");
        IOException e = assertThrows(IOException.class, () -> small.loadImage(gz.toString()));
        assertEquals(gz + ": decompresses (gzip) to more than the 0 MiB limit on boot images (scanner setting"
                + " maxImageBytes)", e.getMessage());
        Path plain = dir.resolve("kernel.NONE");
        assertTrue(assertThrows(IOException.class, () -> small.loadImage(plain.toString())).getMessage()
                .contains("300000 bytes is larger than"));
        Path bomb = dir.resolve("bomb.xz");
        Files.write(bomb, TestImages.compress(Compression.XZ, new byte[4 << 20]));
        new ScanEngine(storage, readers, ScanSettings.defaults().withLimits(512, 4 << 20, 1000))
                .loadImage(bomb.toString());
        assertThrows(IOException.class, () -> new ScanEngine(storage, readers,
                ScanSettings.defaults().withLimits(512, (4 << 20) - 1, 1000)).loadImage(bomb.toString()));
    }

    @Test
    void loadFileKeepsTheBytesAsTheyAreAndEnforcesTheLimit() throws IOException {
        byte[] gz = TestImages.compress(Compression.GZIP, kernel);
        Path initrd = dir.resolve("initrd.img");
        Files.write(initrd, gz);
        BootImage asIs = engine().loadFile(initrd.toString());
        assertEquals(initrd.toString(), asIs.name());
        assertArrayEquals(gz, bytes(asIs), "an initrd reaches the kernel compressed, as the file holds it");
        assertArrayEquals(kernel, bytes(engine().loadImage(initrd.toString())));
        assertArrayEquals(gz, bytes(engine().loadFile(disk + ":1:/boot/vmlinuz-6.1.0-13-amd64.gz")));
        IOException e = assertThrows(IOException.class, () -> new ScanEngine(storage, readers,
                ScanSettings.defaults().withLimits(512, gz.length - 1, 1000)).loadFile(initrd.toString()));
        assertTrue(e.getMessage().contains(gz.length + " bytes is larger than"), e.getMessage());
    }

    @Test
    void aMappedHostFileIsReadOnlyAndKeepsItsContentsAfterLoading() throws IOException {
        Path plain = dir.resolve("vmlinux");
        Files.write(plain, kernel);
        BootImage image = engine().loadImage(plain.toString());
        assertTrue(image.contents().isReadOnly());
        assertEquals(kernel.length, image.size());
        assertArrayEquals(kernel, bytes(image));
        assertArrayEquals(kernel, bytes(image), "a second read sees the same bytes: the position is not shared");
    }

    @Test
    void aFileThatCannotBeMappedIsReadInstead() throws IOException {
        Path plain = dir.resolve("vmlinux-on-fuse");
        Files.write(plain, kernel);
        try (FileChannel ch = new UnmappableFileChannel(FileChannel.open(plain, StandardOpenOption.READ))) {
            BootImage image = ImageLoader.load("fuse:/vmlinux", ch, ch.size(), 1 << 30, ImageLoader.Unpack.AS_IS);
            assertArrayEquals(kernel, bytes(image));
            assertTrue(image.contents().isReadOnly());
        }
    }

    @Test
    void scanningNeverWritesTheImage() throws IOException {
        String before = sha256(disk);
        ScanEngine engine = engine();
        engine.scan(List.of(disk.toString()), m -> { });
        engine.loadImage(disk + ":1:/boot/vmlinuz-6.1.0-13-amd64.gz");
        try (FileSystem fs = engine.openFileSystem(Location.parse(disk + ":1"))) {
            fs.list(fs.root());
        }
        assertEquals(before, sha256(disk));
    }

    @Test
    void excludedPciDevicesAreLeftOutOfAScanOfAllDisks(@TempDir Path sys) throws IOException {
        SysfsBlockDevicesFixture.disk(sys, "vda", "0000:00:04.0", "0x1af4", "0x1001", 2048, 512);
        SysfsBlockDevicesFixture.disk(sys, "sda", "0000:00:1f.2", "0x8086", "0xa352", 2048, 512);
        BlockStorage fakeSys = new BlockStorage(new SysfsBlockDevices(sys, dir.resolve("dev")));
        ScanSettings excluding = ScanSettings.defaults().withExcludedPciIds(List.of("8086:A352"));
        List<DiskReport> reports = new ScanEngine(fakeSys, readers, excluding).scan(List.of(), m -> { });
        assertEquals(List.of(dir.resolve("dev/vda").toString()), reports.stream().map(DiskReport::name).toList());
        assertTrue(reports.get(0).error().orElseThrow().contains("no such file"));
    }

    @Test
    void isoHybridImageListsItsPartitionsAndTheWholeIso() throws IOException {
        Path esp = dir.resolve("esp.img");
        ExternalTool.run("mkfs.fat", "-C", esp.toString(), "1440");
        Files.createDirectories(dir.resolve("tree"));
        Files.writeString(dir.resolve("tree/a.txt"), "a");
        Path iso = dir.resolve("hybrid.iso");
        ExternalTool.run("xorriso", "-as", "mkisofs", "-quiet", "-R", "-append_partition", "2", "0xef",
                esp.toString(), "-o", iso.toString(), dir.resolve("tree").toString());
        DiskReport r = engine().scan(List.of(iso.toString()), m -> { }).get(0);
        assertEquals(List.of(iso + ":1", iso + ":2", iso + ":0"), r.volumes().stream().map(VolumeReport::location)
                .toList());
        assertEquals(Optional.empty(), r.volumes().get(2).partition());
    }

    @Test
    void aReaderThatFailsUncheckedInOpenIsReportedNotThrown() throws IOException {
        readers.clear();
        readers.add(new FileSystemReader() {
            @Override
            public String type() {
                return "aaa-npe";
            }

            @Override
            public boolean probe(BlockDevice device) {
                return true;
            }

            @Override
            public FileSystem open(BlockDevice device) {
                throw new ArrayIndexOutOfBoundsException("Index 9 out of bounds for length 4");
            }
        });
        readers.add(fake);
        DiskReport r = engine().scan(List.of(disk.toString()), m -> { }).get(0);
        assertEquals(Optional.of("fakefs"), r.volumes().get(0).fsType(), "the next reader still gets its turn");
        assertEquals(Optional.of("unknown filesystem (tried aaa-npe, fakefs): aaa-npe: Index 9 out of bounds for length 4"),
                r.volumes().get(2).error());
    }

    private static byte[] bytes(BootImage image) {
        ByteBuffer b = image.contents();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    private static void write(Path file, long offset, byte[] data) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(offset);
            f.write(data);
        }
    }

    private static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
