package dev.vmboot.storage.internal.scan;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;

import dev.vmboot.api.fs.FileSystem;
import dev.vmboot.api.fs.FileType;
import dev.vmboot.api.fs.FsNode;

/** An in-memory filesystem tree for scanner tests: directories, files and symlinks added by path. */
final class FakeFileSystem implements FileSystem {
    record Node(String name, FileType type, long size, int mode, Instant modified, long id) implements FsNode {
    }

    private final String label;
    private final Map<Long, List<Node>> children = new HashMap<>();
    private final Map<Long, byte[]> contents = new HashMap<>();
    private final Map<Long, String> links = new HashMap<>();
    private final Node root = new Node("/", FileType.DIRECTORY, 0, 0x41ED, Instant.EPOCH, 1);
    private long nextId = 2;
    final AtomicInteger closes = new AtomicInteger();
    final AtomicInteger listings = new AtomicInteger();

    FakeFileSystem(String label) {
        this.label = label;
        children.put(root.id(), new ArrayList<>());
    }

    FakeFileSystem file(String path, byte[] data) {
        Node n = add(path, FileType.REGULAR, data.length);
        contents.put(n.id(), data);
        return this;
    }

    FakeFileSystem symlink(String path, String target) {
        Node n = add(path, FileType.SYMLINK, target.length());
        links.put(n.id(), target);
        return this;
    }

    FakeFileSystem directory(String path) {
        directoryNode(path);
        return this;
    }

    private Node add(String path, FileType type, long size) {
        int slash = path.lastIndexOf('/');
        Node parent = directoryNode(path.substring(0, slash));
        Node n = new Node(path.substring(slash + 1), type, size, type == FileType.SYMLINK ? 0xA1FF : 0x81A4,
                Instant.EPOCH, nextId++);
        children.get(parent.id()).add(n);
        return n;
    }

    private Node directoryNode(String path) {
        Node dir = root;
        for (String part : path.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            Node found = null;
            for (Node c : children.get(dir.id())) {
                if (c.name().equals(part)) {
                    found = c;
                }
            }
            if (found == null) {
                found = new Node(part, FileType.DIRECTORY, 0, 0x41ED, Instant.EPOCH, nextId++);
                children.get(dir.id()).add(found);
                children.put(found.id(), new ArrayList<>());
            }
            dir = found;
        }
        return dir;
    }

    @Override
    public String type() {
        return "fakefs";
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public String uuid() {
        return "uuid-" + label;
    }

    @Override
    public FsNode root() {
        return root;
    }

    @Override
    public List<FsNode> list(FsNode directory) throws IOException {
        listings.incrementAndGet();
        List<Node> c = children.get(directory.id());
        if (c == null) {
            throw new IOException("not a directory: " + directory.name());
        }
        return List.copyOf(c);
    }

    @Override
    public SeekableByteChannel open(FsNode file) throws IOException {
        byte[] data = contents.get(file.id());
        if (data == null) {
            throw new NoSuchFileException(file.name());
        }
        return new SeekableInMemoryByteChannel(data.clone());
    }

    @Override
    public String readLink(FsNode symlink) throws IOException {
        return links.get(symlink.id());
    }

    @Override
    public void close() {
        closes.incrementAndGet();
    }
}
