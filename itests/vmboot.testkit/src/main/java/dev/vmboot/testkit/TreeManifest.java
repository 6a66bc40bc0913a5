package dev.vmboot.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

import dev.vmboot.api.fs.FileSystem;
import dev.vmboot.api.fs.FileType;
import dev.vmboot.api.fs.FsNode;

/**
 * A whole tree as {@link TreeEntry}s keyed by path: made from a host directory (the reference) or read through a
 * {@link FileSystem} (the reader under test), so that the two can be compared entry by entry.
 */
public final class TreeManifest {
    private final SortedMap<String, TreeEntry> entries;

    private TreeManifest(SortedMap<String, TreeEntry> entries) {
        this.entries = entries;
    }

    public SortedMap<String, TreeEntry> entries() {
        return entries;
    }

    /** The manifest of a host directory (symlinks are not followed). */
    public static TreeManifest ofDirectory(Path root) throws IOException {
        SortedMap<String, TreeEntry> map = new TreeMap<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                if (!dir.equals(root)) {
                    String p = pathOf(root, dir);
                    map.put(p, new TreeEntry(p, 'd', 0, ""));
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                String p = pathOf(root, file);
                if (attrs.isSymbolicLink()) {
                    String target = Files.readSymbolicLink(file).toString();
                    map.put(p, new TreeEntry(p, 'l', target.length(), target));
                } else if (attrs.isRegularFile()) {
                    try (InputStream in = Files.newInputStream(file)) {
                        map.put(p, new TreeEntry(p, 'f', attrs.size(), sha256(in)));
                    }
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return new TreeManifest(map);
    }

    private static String pathOf(Path root, Path p) {
        StringBuilder sb = new StringBuilder();
        for (Path part : root.relativize(p)) {
            sb.append('/').append(part);
        }
        return sb.toString();
    }

    /** The manifest of a filesystem read through the vmboot API, reading every file's bytes. */
    public static TreeManifest ofFileSystem(FileSystem fs) throws IOException {
        SortedMap<String, TreeEntry> map = new TreeMap<>();
        walk(fs, fs.root(), "", map, 0);
        return new TreeManifest(map);
    }

    private static void walk(FileSystem fs, FsNode dir, String prefix, SortedMap<String, TreeEntry> map, int depth)
            throws IOException {
        if (depth > 4096) {
            throw new IOException("directory nesting deeper than 4096 at " + prefix);
        }
        for (FsNode node : fs.list(dir)) {
            String p = prefix + "/" + node.name();
            if (map.containsKey(p)) {
                throw new IOException("duplicate entry " + p);
            }
            if (node.type() == FileType.DIRECTORY) {
                map.put(p, new TreeEntry(p, 'd', 0, ""));
                walk(fs, node, p, map, depth + 1);
            } else if (node.type() == FileType.SYMLINK) {
                String target = fs.readLink(node);
                map.put(p, new TreeEntry(p, 'l', node.size(), target));
            } else if (node.type() == FileType.REGULAR) {
                map.put(p, new TreeEntry(p, 'f', node.size(), sha256(fs, node)));
            } else {
                map.put(p, new TreeEntry(p, '?', node.size(), node.type().name()));
            }
        }
    }

    /** sha256 of a file read through the reader's channel, in 1 MiB reads. */
    public static String sha256(FileSystem fs, FsNode file) throws IOException {
        MessageDigest md = digest();
        try (SeekableByteChannel ch = fs.open(file)) {
            ByteBuffer buf = ByteBuffer.allocate(1 << 20);
            long total = 0;
            while (true) {
                buf.clear();
                int n = ch.read(buf);
                if (n < 0) {
                    break;
                }
                total += n;
                md.update(buf.array(), 0, n);
            }
            if (total != file.size()) {
                throw new IOException(file.name() + ": channel gave " + total + " bytes, size is " + file.size());
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    public static String sha256(InputStream in) throws IOException {
        MessageDigest md = digest();
        byte[] buf = new byte[1 << 20];
        int n;
        while ((n = in.read(buf)) > 0) {
            md.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The differences between this (expected) manifest and {@code actual}, one line each; empty when equal. Names are
     * compared case-insensitively when {@code caseInsensitive} (FAT).
     */
    public List<String> differences(TreeManifest actual, boolean caseInsensitive) {
        SortedMap<String, TreeEntry> exp = normalise(entries, caseInsensitive);
        SortedMap<String, TreeEntry> act = normalise(actual.entries, caseInsensitive);
        List<String> diffs = new ArrayList<>();
        for (var e : exp.entrySet()) {
            TreeEntry a = act.get(e.getKey());
            if (a == null) {
                diffs.add("missing: " + e.getValue());
            } else if (!sameEntry(e.getValue(), a, caseInsensitive)) {
                diffs.add("differs: expected " + e.getValue() + ", read " + a);
            }
        }
        for (var a : act.entrySet()) {
            if (!exp.containsKey(a.getKey())) {
                diffs.add("unexpected: " + a.getValue());
            }
        }
        return diffs;
    }

    private static boolean sameEntry(TreeEntry e, TreeEntry a, boolean caseInsensitive) {
        return e.type() == a.type() && e.size() == a.size() && e.digest().equals(a.digest());
    }

    private static SortedMap<String, TreeEntry> normalise(SortedMap<String, TreeEntry> in, boolean caseInsensitive) {
        if (!caseInsensitive) {
            return in;
        }
        SortedMap<String, TreeEntry> out = new TreeMap<>();
        in.forEach((k, v) -> out.put(k.toLowerCase(java.util.Locale.ROOT), v));
        return out;
    }

    public int size() {
        return entries.size();
    }
}
