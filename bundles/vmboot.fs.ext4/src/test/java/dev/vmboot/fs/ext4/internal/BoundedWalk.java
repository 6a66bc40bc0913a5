package dev.vmboot.fs.ext4.internal;

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
 * Walks a whole filesystem as a corrupt image must survive it: every directory listed, every name looked up again,
 * every symlink read, every file read at its first and last 64 KiB only (a corrupt size of petabytes of holes costs
 * no more than a real one), with a bound on entries and depth so that a directory that contains its own ancestor
 * ends. The result describes the tree.
 */
final class BoundedWalk {
    private static final int SAMPLE = 64 * 1024;
    private static final int MAX_ENTRIES = 5_000;

    private BoundedWalk() {
    }

    static SortedMap<String, String> of(FileSystem fs) throws IOException {
        SortedMap<String, String> out = new TreeMap<>();
        fs.label();
        fs.uuid();
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
                throw new IOException("more than " + MAX_ENTRIES + " entries: a directory cycle?");
            }
            String p = prefix + "/" + n.name();
            fs.lookup(dir, n.name());
            String detail = n.type() + " " + n.size() + " " + n.mode() + " " + n.modified();
            if (n.type() == FileType.DIRECTORY) {
                out.put(p, detail);
                walk(fs, n, p, out, depth + 1);
            } else if (n.type() == FileType.SYMLINK) {
                String target = fs.readLink(n);
                out.put(p, detail + " -> " + target);
                if (depth < 3) {
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
