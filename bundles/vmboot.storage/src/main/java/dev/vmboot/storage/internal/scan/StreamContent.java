package dev.vmboot.storage.internal.scan;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads of a decompressing stream: anything inside the first {@link #KEEP} bytes, which are kept once decompressed,
 * and beyond them only forward, skipping; never more than {@code limit} bytes decompressed in all. Decompresses only
 * as far as the reads ask.
 */
final class StreamContent implements ContentReader {
    static final int KEEP = 64 * 1024;

    private final InputStream in;
    private final long limit;
    private final byte[] kept = new byte[KEEP];
    private int keptLength;
    private long streamPosition;
    private boolean ended;

    StreamContent(InputStream in, long limit) {
        this.in = in;
        this.limit = limit;
    }

    @Override
    public byte[] read(long position, int length) throws IOException {
        long end = Math.min(position + length, limit);
        if (position < 0 || end <= position) {
            return new byte[0];
        }
        if (end <= KEEP) {
            fillKept((int) end);
            return position >= keptLength ? new byte[0]
                    : Arrays.copyOfRange(kept, (int) position, (int) Math.min(end, keptLength));
        }
        if (position < streamPosition) {
            // Partly behind the stream: what is kept is all there is.
            return position >= keptLength ? new byte[0] : Arrays.copyOfRange(kept, (int) position, keptLength);
        }
        byte[] scratch = new byte[8192];
        while (streamPosition < position && !ended) {
            int n = in.read(scratch, 0, (int) Math.min(scratch.length, position - streamPosition));
            if (n < 0) {
                ended = true;
            } else {
                streamPosition += n;
            }
        }
        if (ended) {
            return new byte[0];
        }
        byte[] bytes = in.readNBytes((int) (end - position));
        streamPosition += bytes.length;
        return bytes;
    }

    private void fillKept(int target) throws IOException {
        while (keptLength < target && streamPosition == keptLength && !ended) {
            int n = in.read(kept, keptLength, target - keptLength);
            if (n < 0) {
                ended = true;
            } else {
                keptLength += n;
                streamPosition = keptLength;
            }
        }
    }
}
