package dev.vmboot.testkit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.util.Arrays;
import java.util.SortedMap;
import java.util.TreeMap;

import dev.vmboot.api.fs.FileSystem;
import dev.vmboot.api.fs.FileType;
import dev.vmboot.api.fs.FsNode;
import dev.vmboot.api.fs.FsPaths;

/**
 * Walks a whole filesystem as a corrupt image must survive it, for the readers' corruption and fuzz tests: label and
 * UUID read, every directory listed, every name looked up again, every symlink read (and resolved near the root),
 * every file read at its first and last 64 KiB only (a corrupt size of petabytes of holes costs no more than a real
 * one), with a bound on entries and depth so that a directory that contains its own ancestor ends with an
 * {@link IOException}. The result maps each path to its type, size, octal mode, modification time and, for a file,
 * hashes of the two samples, so that two walks of the same tree compare equal.
 */
public final class BoundedWalk {
    private static final int SAMPLE = 64 * 1024;
    /** Entries visited at most by {@link #of(FileSystem)}. */
    public static final int MAX_ENTRIES = 50_000;
    private static final int MAX_DEPTH = 64;
    /** Symlinks are resolved only this near the root: resolving each one of a deep tree costs quadratic time. */
    private static final int RESOLVE_DEPTH = 3;

    private BoundedWalk() {
    }

    /** Walks {@code fs}, failing after {@link #MAX_ENTRIES} entries. */
    public static SortedMap<String, String> of(FileSystem fs) throws IOException {
        return of(fs, MAX_ENTRIES);
    }

    /** Walks {@code fs}, failing after {@code maxEntries} entries. */
    public static SortedMap<String, String> of(FileSystem fs, int maxEntries) throws IOException {
        SortedMap<String, String> out = new TreeMap<>();
        fs.label();
        fs.uuid();
        walk(fs, fs.root(), "", out, 0, maxEntries);
        return out;
    }

    private static void walk(FileSystem fs, FsNode dir, String prefix, SortedMap<String, String> out, int depth,
            int maxEntries) throws IOException {
        if (depth > MAX_DEPTH) {
            throw new IOException("deeper than " + MAX_DEPTH + " at " + prefix);
        }
        for (FsNode n : fs.list(dir)) {
            if (out.size() >= maxEntries) {
                throw new IOException("more than " + maxEntries + " entries: a directory cycle?");
            }
            String p = prefix + "/" + n.name();
            fs.lookup(dir, n.name());
            String detail = n.type() + " " + n.size() + " " + Integer.toOctalString(n.mode()) + " " + n.modified();
            if (n.type() == FileType.DIRECTORY) {
                out.put(p, detail);
                walk(fs, n, p, out, depth + 1, maxEntries);
            } else if (n.type() == FileType.SYMLINK) {
                out.put(p, detail + " -> " + fs.readLink(n));
                if (depth < RESOLVE_DEPTH) {
                    try {
                        FsPaths.resolve(fs, p);
                    } catch (IOException dangling) {
                        // a dangling or looping link is not a reader failure
                    }
                }
            } else if (n.type() == FileType.REGULAR) {
                try (SeekableByteChannel ch = fs.open(n)) {
                    int head = sample(ch, 0);
                    int tail = sample(ch, Math.max(0, n.size() - SAMPLE));
                    out.put(p, detail + " " + head + " " + tail);
                }
            } else {
                out.put(p, detail);
            }
        }
    }

    private static int sample(SeekableByteChannel ch, long at) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(SAMPLE);
        ch.position(at);
        while (buf.hasRemaining() && ch.read(buf) >= 0) {
            // fill
        }
        return Arrays.hashCode(Arrays.copyOf(buf.array(), buf.position()));
    }
}
