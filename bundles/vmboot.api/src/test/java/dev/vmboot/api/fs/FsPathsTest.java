package dev.vmboot.api.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class FsPathsTest {

    record Node(String name, FileType type, long id, String target) implements FsNode {
        @Override
        public long size() {
            return 0;
        }

        @Override
        public int mode() {
            return 0;
        }

        @Override
        public Instant modified() {
            return Instant.EPOCH;
        }
    }

    /** A tree built in memory: ids are node numbers, children by parent id. */
    static final class TreeFs implements FileSystem {
        final Map<Long, List<Node>> children = new HashMap<>();
        long next = 2;

        Node add(long parent, String name, FileType type, String target) {
            Node n = new Node(name, type, next++, target);
            children.computeIfAbsent(parent, k -> new ArrayList<>()).add(n);
            return n;
        }

        @Override
        public String type() {
            return "tree";
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
            return new Node("/", FileType.DIRECTORY, 1, null);
        }

        @Override
        public List<FsNode> list(FsNode directory) {
            return new ArrayList<>(children.getOrDefault(directory.id(), List.of()));
        }

        @Override
        public SeekableByteChannel open(FsNode file) {
            throw new UnsupportedOperationException();
        }

        @Override
        public String readLink(FsNode symlink) {
            return ((Node) symlink).target();
        }

        @Override
        public void close() {
        }
    }

    private final TreeFs fs = new TreeFs();
    private final Node boot = fs.add(1, "boot", FileType.DIRECTORY, null);
    private final Node kernel = fs.add(boot.id(), "vmlinuz-6.1", FileType.REGULAR, null);

    @Test
    void resolvesPlainPathsAndDots() throws IOException {
        assertEquals(kernel, FsPaths.resolve(fs, "/boot/vmlinuz-6.1"));
        assertEquals(kernel, FsPaths.resolve(fs, "//boot/./../boot/vmlinuz-6.1"));
        assertEquals("/", FsPaths.resolve(fs, "/..").name());
    }

    @Test
    void followsRelativeAndAbsoluteLinks() throws IOException {
        Node rel = fs.add(boot.id(), "vmlinuz", FileType.SYMLINK, "vmlinuz-6.1");
        fs.add(1, "vmlinuz", FileType.SYMLINK, "/boot/vmlinuz");
        fs.add(1, "b", FileType.SYMLINK, "boot/");
        assertEquals(kernel, FsPaths.resolve(fs, "/vmlinuz"));
        assertEquals(kernel, FsPaths.resolve(fs, "/b/vmlinuz"));
        assertEquals(rel, FsPaths.resolve(fs, "/boot/vmlinuz", false));
    }

    @Test
    void linkLoopsEndWithAnError() {
        fs.add(1, "a", FileType.SYMLINK, "b");
        fs.add(1, "b", FileType.SYMLINK, "/a");
        IOException e = assertThrows(IOException.class, () -> FsPaths.resolve(fs, "/a"));
        assertEquals("/a: too many levels of symbolic links", e.getMessage());
    }

    @Test
    void missingAndNonDirectoryComponents() {
        assertThrows(NoSuchFileException.class, () -> FsPaths.resolve(fs, "/nope"));
        assertThrows(NotDirectoryException.class, () -> FsPaths.resolve(fs, "/boot/vmlinuz-6.1/x"));
    }
}
