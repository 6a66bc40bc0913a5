package dev.vmboot.boot.pvh.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

import org.apache.commons.compress.compressors.lz4.BlockLZ4CompressorInputStream;

import dev.vmboot.api.boot.BootException;

/**
 * A kernel payload in the legacy LZ4 container that Linux unpacks (lib/decompress_unlz4.c): the magic 0x184C2102, then
 * chunks of (le32 compressed size, LZ4 block), the magic repeated where streams were concatenated. The chunks are
 * checked and counted before any is decoded; each one's decoder, with the 192 KiB of buffers it allocates, is made only
 * when the one before it is done and closed with it, so a payload costs one decoder at a time and at most
 * {@link #MAX_CHUNKS} in all, however small its chunks.
 */
final class Lz4LegacyStream extends InputStream {
    static final int MAGIC = 0x184C_2102;
    /** lz4 -l compresses 8 MiB of input into each chunk (programs/lz4io.c, LEGACY_BLOCKSIZE). */
    static final int CHUNK_MAX = 8 << 20;
    /**
     * Chunks read at most: four times the 64 that {@code lz4 -l}, as Linux's cmd_lz4 runs it (scripts/Makefile.lib),
     * writes for the largest vmlinux vmboot unpacks ({@link BzImagePayload#MAX_VMLINUX}, 512 MiB).
     */
    static final int MAX_CHUNKS = 4 * (int) (BzImagePayload.MAX_VMLINUX / CHUNK_MAX);

    private final byte[] payload;
    /** Each chunk's block as (payload offset << 32 | size). */
    private final long[] chunks;
    private int next;
    private InputStream current;

    private Lz4LegacyStream(byte[] payload, long[] chunks) {
        this.payload = payload;
        this.chunks = chunks;
    }

    /**
     * The stream of {@code payload}'s first {@code length} bytes, which start with {@link #MAGIC}.
     *
     * @param name the image, for errors
     */
    static Lz4LegacyStream open(String name, byte[] payload, int length) throws BootException {
        long[] chunks = new long[16];
        int count = 0;
        ByteBuffer b = ByteBuffer.wrap(payload, 0, length).order(ByteOrder.LITTLE_ENDIAN);
        b.position(4);
        while (b.remaining() >= 4) {
            int size = b.getInt();
            if (size == MAGIC) {
                continue;
            }
            if (size <= 0 || size > b.remaining() || size > CHUNK_MAX) {
                throw new BootException(String.format("%s: LZ4 chunk of %d bytes at payload offset %d is out of "
                        + "bounds", name, size, b.position() - 4));
            }
            if (count == MAX_CHUNKS) {
                throw new BootException(String.format("%s: the LZ4 payload has more than %d chunks, the most vmboot"
                        + " unpacks (lz4 -l writes one per 8 MiB of kernel)", name, MAX_CHUNKS));
            }
            if (count == chunks.length) {
                chunks = Arrays.copyOf(chunks, 2 * count);
            }
            chunks[count++] = (long) b.position() << 32 | size;
            b.position(b.position() + size);
        }
        return new Lz4LegacyStream(payload, Arrays.copyOf(chunks, count));
    }

    /** The decoder of the chunk being read, made when the one before it is done; null at the end. */
    private InputStream current() throws IOException {
        while (current == null && next < chunks.length) {
            long chunk = chunks[next++];
            current = new BlockLZ4CompressorInputStream(new ByteArrayInputStream(payload, (int) (chunk >>> 32),
                    (int) chunk));
        }
        return current;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        for (InputStream in = current(); in != null; in = current()) {
            int n = in.read(b, off, len);
            if (n == 0) {
                throw new IOException("LZ4 chunk " + next + " of the payload decodes to no bytes and no end");
            }
            if (n > 0) {
                return n;
            }
            in.close();
            current = null;
        }
        return -1;
    }

    @Override
    public void close() throws IOException {
        if (current != null) {
            current.close();
            current = null;
        }
        next = chunks.length;
    }
}
