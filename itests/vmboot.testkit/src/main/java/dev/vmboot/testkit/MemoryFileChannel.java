package dev.vmboot.testkit;

import java.io.IOException;
import java.nio.ByteBuffer;

import dev.vmboot.api.fs.ReadOnlyFileChannel;

/**
 * A channel on a file of a {@link MemoryFileSystem}: each read returns at most the filesystem's piece size, and a read
 * that would take it past the file's good bytes fails as a read of a corrupt extent does.
 */
final class MemoryFileChannel extends ReadOnlyFileChannel {
    private final byte[] content;
    private final int goodBytes;
    private final int piece;

    MemoryFileChannel(byte[] content, int goodBytes, int piece) {
        super(content.length);
        this.content = content;
        this.goodBytes = goodBytes;
        this.piece = piece;
    }

    @Override
    protected int readAt(long at, ByteBuffer dst, int max) throws IOException {
        int n = Math.min(max, piece);
        if (at + n > goodBytes) {
            throw new IOException("extent at block 1234 lies beyond the device");
        }
        dst.put(content, (int) at, n);
        return n;
    }
}
