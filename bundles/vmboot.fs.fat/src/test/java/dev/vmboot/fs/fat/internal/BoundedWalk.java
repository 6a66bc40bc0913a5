package dev.vmboot.fs.fat.internal;

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
 * Walks a whole filesystem as a corrupt image must survive it: every directory listed, every file opened and read at
 * its first and last 64 KiB, with bounds on depth and entries so that a directory cycle cannot make it explode. The
 * result describes the tree for comparisons.
 */
final class BoundedWalk {
    private static final int SAMPLE = 64 * 1024;
    private static final int MAX_ENTRIES = 50_000;
    private static final int MAX_DEPTH = 64;

    private BoundedWalk() {
    }

    static SortedMap<String, String> of(FileSystem fs) throws IOException {
        SortedMap<String, String> out = new TreeMap<>();
        walk(fs, fs.root(), "", out, 0);
        return out;
    }

    private static void walk(FileSystem fs, FsNode dir, String prefix, SortedMap<String, String> out, int depth)
            throws IOException {
        if (depth > MAX_DEPTH) {
            throw new IOException("deeper than " + MAX_DEPTH + " at " + prefix);
        }
        for (FsNode n : fs.list(dir)) {
            if (out.size() >= MAX_ENTRIES) {
                throw new IOException("more than " + MAX_ENTRIES + " entries: a directory cycle?");
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
