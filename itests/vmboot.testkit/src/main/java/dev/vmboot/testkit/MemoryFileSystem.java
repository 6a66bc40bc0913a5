package dev.vmboot.testkit;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import dev.vmboot.api.fs.FileSystem;
import dev.vmboot.api.fs.FileType;
import dev.vmboot.api.fs.FsNode;

/**
 * A filesystem held in memory, for the tests of what reads one (the scan, the shell's commands): directories, files
 * and symlinks added by path, listed in the order they were added. A file can be made to fail after its first bytes,
 * as a corrupt extent would, and a directory's listing to fail; reads can be made to return short pieces. The
 * filesystem counts its listings and closes.
 */
public final class MemoryFileSystem implements FileSystem {
    /** A directory, file or symlink; ids are given in the order nodes are added, the root's being 1. */
    public record Node(String name, FileType type, long size, int mode, Instant modified, long id) implements FsNode {
    }

    private static final int DIRECTORY_MODE = 0x41ED;
    private static final int FILE_MODE = 0x81A4;
    private static final int SYMLINK_MODE = 0xA1FF;

    private final String type;
    private final String label;
    private final Node root = new Node("/", FileType.DIRECTORY, 0, DIRECTORY_MODE, Instant.EPOCH, 1);
    private final Map<Long, List<Node>> children = new HashMap<>();
    /** Directories by their path from the root without a leading or trailing slash; the root's is empty. */
    private final Map<String, Node> directories = new HashMap<>();
    private final Map<Long, byte[]> contents = new HashMap<>();
    private final Map<Long, Integer> goodBytes = new HashMap<>();
    private final Map<Long, String> links = new HashMap<>();
    private final Map<Long, Supplier<? extends IOException>> listingFailures = new HashMap<>();
    private long nextId = 2;
    private int piece = Integer.MAX_VALUE;
    /** Calls of {@link #list}, those that fail included. */
    public final AtomicInteger listings = new AtomicInteger();
    /** Calls of {@link #close}. */
    public final AtomicInteger closes = new AtomicInteger();

    /** An empty filesystem whose {@link #type()} is {@code type} and whose UUID is {@code "uuid-"} and its label. */
    public MemoryFileSystem(String type, String label) {
        this.type = type;
        this.label = label;
        children.put(root.id(), new ArrayList<>());
        directories.put("", root);
    }

    /** A file holding {@code data}, its parent directories made as needed. */
    public MemoryFileSystem file(String path, byte[] data) {
        Node n = add(path, FileType.REGULAR, data.length, FILE_MODE);
        contents.put(n.id(), data);
        return this;
    }

    /** A file whose reads fail with an I/O error once more than {@code goodBytes} of it would have been read. */
    public MemoryFileSystem failingFile(String path, byte[] data, int goodBytes) {
        Node n = add(path, FileType.REGULAR, data.length, FILE_MODE);
        contents.put(n.id(), data);
        this.goodBytes.put(n.id(), goodBytes);
        return this;
    }

    /** A symlink to {@code target}. */
    public MemoryFileSystem symlink(String path, String target) {
        Node n = add(path, FileType.SYMLINK, target.length(), SYMLINK_MODE);
        links.put(n.id(), target);
        return this;
    }

    /** A directory, empty unless something is added below it. */
    public MemoryFileSystem directory(String path) {
        directoryNode(path);
        return this;
    }

    /** A directory whose every listing throws what {@code failure} makes. */
    public MemoryFileSystem unlistableDirectory(String path, Supplier<? extends IOException> failure) {
        listingFailures.put(directoryNode(path).id(), failure);
        return this;
    }

    /** Every read of a file opened from now on returns at most {@code bytes}, as a fragmented file may give them. */
    public MemoryFileSystem readsInPiecesOf(int bytes) {
        piece = bytes;
        return this;
    }

    private Node add(String path, FileType type, long size, int mode) {
        int slash = path.lastIndexOf('/');
        Node parent = directoryNode(path.substring(0, slash));
        Node n = new Node(path.substring(slash + 1), type, size, mode, Instant.EPOCH, nextId++);
        children.get(parent.id()).add(n);
        return n;
    }

    private Node directoryNode(String path) {
        Node dir = root;
        String at = "";
        for (String part : path.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            at = at.isEmpty() ? part : at + "/" + part;
            Node found = directories.get(at);
            if (found == null) {
                found = new Node(part, FileType.DIRECTORY, 0, DIRECTORY_MODE, Instant.EPOCH, nextId++);
                children.get(dir.id()).add(found);
                children.put(found.id(), new ArrayList<>());
                directories.put(at, found);
            }
            dir = found;
        }
        return dir;
    }

    @Override
    public String type() {
        return type;
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
        Supplier<? extends IOException> failure = listingFailures.get(directory.id());
        if (failure != null) {
            throw failure.get();
        }
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
        return new MemoryFileChannel(data.clone(), goodBytes.getOrDefault(file.id(), data.length), piece);
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
