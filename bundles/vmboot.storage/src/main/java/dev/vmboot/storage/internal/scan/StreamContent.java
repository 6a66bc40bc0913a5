package dev.vmboot.storage.internal.scan;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads of a decompressing stream: anything inside the first {@link #HEAD} bytes, which are kept, and beyond them
 * only forward, skipping; never more than {@code limit} bytes decompressed in all.
 */
final class StreamContent implements ContentReader {
    static final int HEAD = 64 * 1024;

    private final InputStream in;
    private final long limit;
    private final byte[] head;
    private final int headLength;
    private long streamPosition;

    StreamContent(InputStream in, long limit) throws IOException {
        this.in = in;
        this.limit = limit;
        this.head = new byte[HEAD];
        this.headLength = in.readNBytes(head, 0, (int) Math.min(HEAD, limit));
        this.streamPosition = headLength;
    }

    @Override
    public byte[] read(long position, int length) throws IOException {
        if (position + length <= headLength) {
            return Arrays.copyOfRange(head, (int) position, (int) position + length);
        }
        if (position < streamPosition) {
            if (position < headLength) {
                return Arrays.copyOfRange(head, (int) position, headLength);
            }
            return new byte[0]; // behind the stream and no longer kept
        }
        long end = Math.min(position + length, limit);
        if (end <= position) {
            return new byte[0];
        }
        byte[] scratch = new byte[8192];
        while (streamPosition < position) {
            int n = in.read(scratch, 0, (int) Math.min(scratch.length, position - streamPosition));
            if (n < 0) {
                return new byte[0];
            }
            streamPosition += n;
        }
        byte[] bytes = in.readNBytes((int) (end - position));
        streamPosition = position + bytes.length;
        return bytes;
    }
}
