package dev.vmboot.fs.iso9660.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.util.Arrays;
import java.util.SortedMap;
import java.util.TreeMap;

import dev.vmboot.api.fs.FileSystem;
import dev.vmboot.api.fs.FileType;
import dev.vmboot.api.fs.FsNode;

/**
 * Walks a whole filesystem the way a corrupt image must survive it: every directory listed, every symlink read, every
 * file opened and read at its first and last 64 KiB only (a corrupt size of gigabytes costs no more than a real
 * one). The result describes the tree for comparisons.
 */
final class BoundedWalk {
    private static final int SAMPLE = 64 * 1024;
    /** Entries visited at most: directories sharing data must not make a walk exponential. */
    private static final int MAX_ENTRIES = 50_000;

    private BoundedWalk() {
    }

    static SortedMap<String, String> of(FileSystem fs) throws IOException {
        SortedMap<String, String> out = new TreeMap<>();
        walk(fs, fs.root(), "", out, 0);
        return out;
    }

    private static void walk(FileSystem fs, FsNode dir, String prefix, SortedMap<String, String> out, int depth)
            throws IOException {
        if (depth > 64) {
            throw new IOException("deeper than 64 at " + prefix);
        }
        for (FsNode n : fs.list(dir)) {
            if (out.size() >= MAX_ENTRIES) {
                throw new IOException("more than " + MAX_ENTRIES + " entries");
            }
            String p = prefix + "/" + n.name();
            String detail = n.type() + " " + n.size() + " " + Integer.toOctalString(n.mode()) + " " + n.modified();
            if (n.type() == FileType.DIRECTORY) {
                out.put(p, detail);
                walk(fs, n, p, out, depth + 1);
            } else if (n.type() == FileType.SYMLINK) {
                out.put(p, detail + " -> " + fs.readLink(n));
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
