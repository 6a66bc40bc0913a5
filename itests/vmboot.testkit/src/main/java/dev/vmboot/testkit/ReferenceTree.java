package dev.vmboot.testkit;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Builds a reference directory tree on the host for image tests: small and large files of seeded random bytes,
 * empty files, deep paths, Unicode names, short and long symlinks, a big directory and a sparse file. Each piece is
 * optional so that formats with limits (FAT has no symlinks, ISO9660 level rules) can leave some out.
 */
public final class ReferenceTree {
    private final Path root;
    private final Random random;

    private ReferenceTree(Path root, long seed) {
        this.root = root;
        this.random = new Random(seed);
    }

    /** Starts a tree in {@code root} (created if needed). */
    public static ReferenceTree in(Path root, long seed) throws IOException {
        Files.createDirectories(root);
        return new ReferenceTree(root, seed);
    }

    public Path root() {
        return root;
    }

    /** A file of {@code size} seeded random bytes at {@code relative}. */
    public ReferenceTree file(String relative, int size) throws IOException {
        Path p = root.resolve(relative);
        Files.createDirectories(p.getParent());
        byte[] data = new byte[size];
        random.nextBytes(data);
        Files.write(p, data);
        return this;
    }

    /** Files of assorted sizes around block boundaries, plus an empty one, in {@code dir}. */
    public ReferenceTree assortedFiles(String dir) throws IOException {
        int[] sizes = {0, 1, 511, 512, 513, 4095, 4096, 4097, 65536, 200_000, 1_048_577};
        for (int size : sizes) {
            file(dir + "/file-" + size + ".bin", size);
        }
        return this;
    }

    /** A chain of {@code depth} nested directories with a file at the bottom. */
    public ReferenceTree deepPath(String dir, int depth) throws IOException {
        StringBuilder sb = new StringBuilder(dir);
        for (int i = 0; i < depth; i++) {
            sb.append("/level").append(i);
        }
        return file(sb + "/bottom.txt", 100);
    }

    /** Files with non-ASCII names (Latin, Greek, CJK, emoji). */
    public ReferenceTree unicodeNames(String dir) throws IOException {
        for (String name : new String[] {"grüße.txt", "Ελληνικά.txt", "日本語のファイル.txt", "emoji-🚀.txt"}) {
            file(dir + "/" + name, 64);
        }
        return this;
    }

    /** A relative short symlink, an absolute one, a long (> 60 bytes, out-of-inode) one, and a dangling one. */
    public ReferenceTree symlinks(String dir) throws IOException {
        Path d = root.resolve(dir);
        Files.createDirectories(d);
        file(dir + "/target.txt", 10);
        Files.createSymbolicLink(d.resolve("short-link"), Path.of("target.txt"));
        Files.createSymbolicLink(d.resolve("absolute-link"), Path.of("/" + dir + "/target.txt"));
        Files.createSymbolicLink(d.resolve("long-link"), Path.of("a".repeat(100) + "/" + "b".repeat(150)));
        Files.createSymbolicLink(d.resolve("dangling"), Path.of("does-not-exist"));
        return this;
    }

    /** A directory holding {@code count} small files (grows the directory to its largest on-disk forms). */
    public ReferenceTree bigDirectory(String dir, int count) throws IOException {
        Path d = root.resolve(dir);
        Files.createDirectories(d);
        for (int i = 0; i < count; i++) {
            Files.write(d.resolve(String.format("entry-%06d-with-a-longer-name", i)), Integer.toString(i).getBytes());
        }
        return this;
    }

    /**
     * A sparse file of {@code size} bytes: holes, with a few 4 KiB data islands at the start, the middle and the
     * end.
     */
    public ReferenceTree sparseFile(String relative, long size) throws IOException {
        Path p = root.resolve(relative);
        Files.createDirectories(p.getParent());
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(size);
            byte[] island = new byte[4096];
            for (long at : new long[] {0, size / 2 - 12345, size - island.length}) {
                random.nextBytes(island);
                f.seek(Math.max(0, at));
                f.write(island);
            }
        }
        return this;
    }

    public TreeManifest manifest() throws IOException {
        return TreeManifest.ofDirectory(root);
    }
}
