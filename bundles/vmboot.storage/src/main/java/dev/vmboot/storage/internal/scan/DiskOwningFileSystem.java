package dev.vmboot.storage.internal.scan;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.util.List;
import java.util.Optional;

import dev.vmboot.api.fs.FileSystem;
import dev.vmboot.api.fs.FsNode;
import dev.vmboot.api.storage.BlockDevice;

/** A reader's filesystem that also closes the disk it was opened on. */
final class DiskOwningFileSystem implements FileSystem {
    private final FileSystem fs;
    private final BlockDevice disk;

    DiskOwningFileSystem(FileSystem fs, BlockDevice disk) {
        this.fs = fs;
        this.disk = disk;
    }

    @Override
    public String type() {
        return fs.type();
    }

    @Override
    public String label() {
        return fs.label();
    }

    @Override
    public String uuid() {
        return fs.uuid();
    }

    @Override
    public FsNode root() throws IOException {
        return fs.root();
    }

    @Override
    public List<FsNode> list(FsNode directory) throws IOException {
        return fs.list(directory);
    }

    @Override
    public Optional<FsNode> lookup(FsNode directory, String name) throws IOException {
        return fs.lookup(directory, name);
    }

    @Override
    public SeekableByteChannel open(FsNode file) throws IOException {
        return fs.open(file);
    }

    @Override
    public String readLink(FsNode symlink) throws IOException {
        return fs.readLink(symlink);
    }

    @Override
    public boolean caseSensitive() {
        return fs.caseSensitive();
    }

    @Override
    public void close() throws IOException {
        try {
            fs.close();
        } finally {
            disk.close();
        }
    }
}
