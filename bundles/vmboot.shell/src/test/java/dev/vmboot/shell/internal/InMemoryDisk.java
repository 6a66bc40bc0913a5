package dev.vmboot.shell.internal;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import dev.vmboot.api.boot.BootImage;
import dev.vmboot.api.fs.FileSystem;
import dev.vmboot.api.scan.DiskReport;
import dev.vmboot.api.scan.DiskScanner;
import dev.vmboot.api.scan.Location;
import dev.vmboot.testkit.MemoryFileSystem;

/**
 * A disk scanner that knows one disk, named by a host path (the file there is not read), whose filesystem is a root
 * directory of files held in memory, read in pieces of at most 7 bytes. A file can be made to fail after its first
 * bytes, as a corrupt extent would.
 */
final class InMemoryDisk implements DiskScanner {
    private final String disk;
    private final MemoryFileSystem fs = new MemoryFileSystem("memory", "").readsInPiecesOf(7);
    final List<String> opened = new ArrayList<>();

    InMemoryDisk(String disk) {
        this.disk = disk;
    }

    InMemoryDisk file(String name, byte[] content) {
        fs.file("/" + name, content);
        return this;
    }

    /** A file whose reads fail with an I/O error once {@code goodBytes} of it have been read. */
    InMemoryDisk failingFile(String name, byte[] content, int goodBytes) {
        fs.failingFile("/" + name, content, goodBytes);
        return this;
    }

    @Override
    public List<DiskReport> scan(List<String> disks, Consumer<String> progress) throws IOException {
        throw new IOException("not used");
    }

    @Override
    public FileSystem openFileSystem(Location volume) throws IOException {
        if (!volume.disk().equals(disk)) {
            throw new NoSuchFileException(volume.disk());
        }
        opened.add(volume.toString());
        return fs;
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
