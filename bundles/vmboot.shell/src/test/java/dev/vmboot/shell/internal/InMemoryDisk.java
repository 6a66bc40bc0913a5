package dev.vmboot.shell.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import dev.vmboot.api.boot.BootImage;
import dev.vmboot.api.fs.FileSystem;
import dev.vmboot.api.fs.FileType;
import dev.vmboot.api.fs.FsNode;
import dev.vmboot.api.scan.DiskReport;
import dev.vmboot.api.scan.DiskScanner;
import dev.vmboot.api.scan.Location;

/**
 * A disk scanner that knows one disk, named by a host path (the file there is not read), whose filesystem is a root
 * directory of files held in memory. A file can be made to fail after its first bytes, as a corrupt extent would.
 */
final class InMemoryDisk implements DiskScanner {
    private record Node(String name, FileType type, long size, long id) implements FsNode {
        @Override
        public int mode() {
            return 0644;
        }

        @Override
        public Instant modified() {
            return Instant.EPOCH;
        }
    }

    private final String disk;
    private final Map<String, byte[]> files = new LinkedHashMap<>();
    private final Map<String, Integer> failAfter = new LinkedHashMap<>();
    final List<String> opened = new ArrayList<>();

    InMemoryDisk(String disk) {
        this.disk = disk;
    }

    InMemoryDisk file(String name, byte[] content) {
        files.put(name, content);
        return this;
    }

    /** A file whose reads fail with an I/O error once {@code goodBytes} of it have been read. */
    InMemoryDisk failingFile(String name, byte[] content, int goodBytes) {
        files.put(name, content);
        failAfter.put(name, goodBytes);
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
        return new FileSystem() {
            private final Node root = new Node("/", FileType.DIRECTORY, 0, 1);

            @Override
            public String type() {
                return "memory";
            }

            @Override
            public String label() {
                return "";
            }

            @Override
            public String uuid() {
                return "";
            }

            @Override
            public FsNode root() {
                return root;
            }

            @Override
            public List<FsNode> list(FsNode directory) {
                List<FsNode> nodes = new ArrayList<>();
                long id = 2;
                for (Map.Entry<String, byte[]> e : files.entrySet()) {
                    nodes.add(new Node(e.getKey(), FileType.REGULAR, e.getValue().length, id++));
                }
                return directory == root ? nodes : List.of();
            }

            @Override
            public SeekableByteChannel open(FsNode file) {
                byte[] content = files.get(file.name());
                return new ContentChannel(content, failAfter.getOrDefault(file.name(), content.length + 1));
            }

            @Override
            public String readLink(FsNode symlink) throws IOException {
                throw new IOException("no links here");
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public BootImage loadImage(String locationOrFile) throws IOException {
        throw new IOException("not used");
    }

    @Override
    public BootImage loadFile(String locationOrFile) throws IOException {
        throw new IOException("not used");
    }

    /** Reads CONTENT in pieces of at most 7 bytes, failing once more than FAILAFTER bytes were asked for. */
    private static final class ContentChannel implements SeekableByteChannel {
        private final byte[] content;
        private final int failAfter;
        private int position;
        private boolean open = true;

        ContentChannel(byte[] content, int failAfter) {
            this.content = content;
            this.failAfter = failAfter;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            if (position >= content.length) {
                return -1;
            }
            int n = Math.min(Math.min(dst.remaining(), 7), content.length - position);
            if (position + n > failAfter) {
                throw new IOException("extent at block 1234 lies beyond the device");
            }
            dst.put(content, position, n);
            position += n;
            return n;
        }

        @Override
        public int write(ByteBuffer src) {
            throw new NonWritableChannelException();
        }

        @Override
        public long position() {
            return position;
        }

        @Override
        public SeekableByteChannel position(long newPosition) {
            position = (int) Math.min(newPosition, content.length);
            return this;
        }

        @Override
        public long size() {
            return content.length;
        }

        @Override
        public SeekableByteChannel truncate(long size) {
            throw new NonWritableChannelException();
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void close() {
            open = false;
        }
    }
}
