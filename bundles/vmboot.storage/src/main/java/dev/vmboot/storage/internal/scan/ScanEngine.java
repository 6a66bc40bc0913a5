package dev.vmboot.storage.internal.scan;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.vmboot.api.boot.BootImage;
import dev.vmboot.api.fs.FileSystem;
import dev.vmboot.api.fs.FileSystemReader;
import dev.vmboot.api.fs.FileType;
import dev.vmboot.api.fs.FsNode;
import dev.vmboot.api.fs.FsPaths;
import dev.vmboot.api.scan.DiskReport;
import dev.vmboot.api.scan.DiskScanner;
import dev.vmboot.api.scan.Location;
import dev.vmboot.api.scan.VolumeReport;
import dev.vmboot.api.storage.BlockDevice;
import dev.vmboot.api.storage.DiskInfo;
import dev.vmboot.api.storage.Partition;
import dev.vmboot.api.storage.PartitionScheme;
import dev.vmboot.api.storage.PartitionTable;
import dev.vmboot.api.storage.Storage;
import dev.vmboot.storage.internal.partition.PartitionTableReader;

/**
 * The scanner's work, apart from OSGi: disks from {@link Storage}, filesystems from whatever readers the live list
 * holds at the moment each volume is scanned.
 */
public final class ScanEngine implements DiskScanner {
    private static final Logger LOG = LoggerFactory.getLogger(ScanEngine.class);

    private final Storage storage;
    private final List<FileSystemReader> readers;
    private final ScanSettings settings;

    /** @param readers a live list (the DS whiteboard field): readers may come and go between volumes */
    public ScanEngine(Storage storage, List<FileSystemReader> readers, ScanSettings settings) {
        this.storage = storage;
        this.readers = readers;
        this.settings = settings;
    }

    @Override
    public List<DiskReport> scan(List<String> disks, Consumer<String> progress) throws IOException {
        long start = System.nanoTime();
        Consumer<String> report = message -> {
            if ((System.nanoTime() - start) / 1_000_000 >= settings.progressAfterMillis()) {
                progress.accept(message);
            }
        };
        List<String> names = disks.isEmpty() ? discoveredDisks() : disks;
        List<DiskReport> reports = new ArrayList<>(names.size());
        for (String name : names) {
            reports.add(scanDisk(name, report));
        }
        return reports;
    }

    private List<String> discoveredDisks() throws IOException {
        List<String> names = new ArrayList<>();
        for (DiskInfo d : storage.discover()) {
            if (d.partition()) {
                continue;
            }
            if (d.pciId().isPresent() && settings.excludedPciIds().contains(d.pciId().get())) {
                LOG.info("{}: left out, PCI device {} is excluded", d.devicePath(), d.pciId().get());
                continue;
            }
            names.add(d.devicePath().toString());
        }
        return names;
    }

    private DiskReport scanDisk(String name, Consumer<String> report) {
        report.accept("scanning " + name);
        BlockDevice disk;
        try {
            disk = storage.open(Path.of(name));
        } catch (IOException | RuntimeException e) {
            return new DiskReport(name, 0, 512, Optional.empty(), List.of(), Optional.of(message(e)));
        }
        try (disk) {
            PartitionTable table;
            try {
                table = storage.partitions(disk);
            } catch (IOException | RuntimeException e) {
                return new DiskReport(name, disk.size(), disk.logicalSectorSize(), Optional.empty(), List.of(),
                        Optional.of(message(e)));
            }
            List<VolumeReport> volumes = new ArrayList<>();
            if (table.scheme() == PartitionScheme.NONE) {
                volumes.add(scanVolume(disk, name, Optional.empty(), report));
            } else {
                for (Partition p : table.partitions()) {
                    String location = name + ":" + p.number();
                    volumes.add(scanVolume(disk.slice(location, p.offset(), p.length()), location, Optional.of(p),
                            report));
                }
                if (PartitionTableReader.hasIso9660(disk)) {
                    volumes.add(scanVolume(disk, name + ":0", Optional.empty(), report));
                }
            }
            return new DiskReport(name, disk.size(), disk.logicalSectorSize(), Optional.of(table), volumes,
                    Optional.empty());
        } catch (IOException | RuntimeException e) {
            LOG.warn("{}: scan failed", name, e);
            return new DiskReport(name, 0, 512, Optional.empty(), List.of(), Optional.of(message(e)));
        }
    }

    private VolumeReport scanVolume(BlockDevice volume, String location, Optional<Partition> partition,
            Consumer<String> report) {
        List<String> problems = new ArrayList<>();
        List<FileSystemReader> present = presentReaders();
        for (FileSystemReader reader : present) {
            String type = typeOf(reader);
            boolean recognised;
            try {
                recognised = reader.probe(volume);
            } catch (Exception | LinkageError e) {
                problems.add(type + " probe failed: " + message(e));
                continue;
            }
            if (!recognised) {
                continue;
            }
            report.accept("scanning " + location + " (" + type + ")");
            FileSystem fs = null;
            try {
                fs = reader.open(volume);
                CandidateFinder.Result found = CandidateFinder.find(fs, location, settings);
                Optional<String> error = found.problems().isEmpty() ? Optional.empty()
                        : Optional.of(type + ": " + String.join("; ", found.problems()));
                return new VolumeReport(location, partition, Optional.of(fs.type()), fs.label(), fs.uuid(),
                        found.candidates(), error);
            } catch (Exception | LinkageError e) {
                problems.add(type + ": " + message(e));
            } finally {
                closeQuietly(fs, location);
            }
        }
        String tried = present.isEmpty() ? "no filesystem readers are installed"
                : "tried " + present.stream().map(ScanEngine::typeOf).collect(Collectors.joining(", "));
        String error = "unknown filesystem (" + tried + ")" + (problems.isEmpty() ? "" : ": "
                + String.join("; ", problems));
        return new VolumeReport(location, partition, Optional.empty(), "", "", List.of(), Optional.of(error));
    }

    @Override
    public FileSystem openFileSystem(Location volume) throws IOException {
        BlockDevice disk = storage.open(Path.of(volume.disk()));
        try {
            BlockDevice device = volumeDevice(disk, volume);
            List<FileSystemReader> present = presentReaders();
            List<String> problems = new ArrayList<>();
            for (FileSystemReader reader : present) {
                String type = typeOf(reader);
                try {
                    if (reader.probe(device)) {
                        return new DiskOwningFileSystem(reader.open(device), disk);
                    }
                } catch (IOException e) {
                    problems.add(type + ": " + e.getMessage());
                } catch (RuntimeException | LinkageError e) {
                    problems.add(type + ": " + message(e));
                }
            }
            throw new IOException(volume.volume() + ": " + (present.isEmpty() ? "no filesystem readers are installed"
                    : "no installed reader recognises it (tried " + present.stream().map(ScanEngine::typeOf)
                            .collect(Collectors.joining(", ")) + ")")
                    + (problems.isEmpty() ? "" : ": " + String.join("; ", problems)));
        } catch (IOException | RuntimeException e) {
            disk.close();
            throw e;
        }
    }

    /** The partition a location names, or the whole disk when it has no table (or is an ISO hybrid). */
    private BlockDevice volumeDevice(BlockDevice disk, Location volume) throws IOException {
        PartitionTable table = storage.partitions(disk);
        int number = volume.partition().orElse(0);
        if (number == 0) {
            if (table.scheme() == PartitionScheme.NONE || PartitionTableReader.hasIso9660(disk)) {
                return disk;
            }
            throw new IOException(volume.disk() + " has a " + table.scheme() + " partition table: name a partition,"
                    + " e.g. " + volume.disk() + ":" + table.partitions().stream().map(Partition::number).findFirst()
                            .orElse(1) + " (partitions: " + numbers(table) + ")");
        }
        for (Partition p : table.partitions()) {
            if (p.number() == number) {
                return disk.slice(volume.volume(), p.offset(), p.length());
            }
        }
        throw new IOException(volume.disk() + " has no partition " + number + " (partitions: " + numbers(table) + ")");
    }

    @Override
    public BootImage loadImage(String locationOrFile) throws IOException {
        return load(locationOrFile, ImageLoader.Unpack.DECOMPRESS);
    }

    @Override
    public BootImage loadFile(String locationOrFile) throws IOException {
        return load(locationOrFile, ImageLoader.Unpack.AS_IS);
    }

    private BootImage load(String locationOrFile, ImageLoader.Unpack unpack) throws IOException {
        Path host = Path.of(locationOrFile);
        if (Files.isRegularFile(host)) {
            try (FileChannel ch = FileChannel.open(host, StandardOpenOption.READ)) {
                return ImageLoader.load(locationOrFile, ch, ch.size(), settings.maxImageBytes(), unpack);
            }
        }
        Location location;
        try {
            location = Location.parse(locationOrFile);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
        if (location.path().isEmpty()) {
            throw new IOException("'" + locationOrFile + "' is neither a host file nor a location with a path"
                    + " (disk.img:1:/CLOUDHV.fd)");
        }
        try (FileSystem fs = openFileSystem(location)) {
            FsNode node = FsPaths.resolve(fs, location.path().get());
            if (node.type() != FileType.REGULAR) {
                throw new IOException(locationOrFile + " is a " + node.type().name().toLowerCase() + ", not a file");
            }
            try (SeekableByteChannel ch = fs.open(node)) {
                return ImageLoader.load(locationOrFile, ch, node.size(), settings.maxImageBytes(), unpack);
            }
        }
    }

    private List<FileSystemReader> presentReaders() {
        List<FileSystemReader> present = new ArrayList<>(readers);
        present.sort(Comparator.comparing(ScanEngine::typeOf));
        return present;
    }

    private static String typeOf(FileSystemReader reader) {
        try {
            return reader.type();
        } catch (RuntimeException | LinkageError e) {
            return reader.getClass().getSimpleName();
        }
    }

    private static String numbers(PartitionTable table) {
        return table.partitions().isEmpty() ? "none"
                : table.partitions().stream().map(p -> Integer.toString(p.number())).collect(Collectors.joining(", "));
    }

    private static String message(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    private static void closeQuietly(FileSystem fs, String location) {
        if (fs == null) {
            return;
        }
        try {
            fs.close();
        } catch (IOException | RuntimeException e) {
            LOG.debug("{}: closing the filesystem failed", location, e);
        }
    }
}
