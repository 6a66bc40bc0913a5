package dev.vmboot.storage.internal.scan;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Follows the frames of an LZ4 file (LZ4 Frame Format 1.6.x) as the decoder reads them, and refuses the file past
 * {@link #MAX_COMPRESSED_BLOCKS} compressed blocks. commons-compress decodes every compressed block with a new block
 * decoder, which allocates 192 KiB of buffers whatever the block holds: a file of 6-byte blocks of one literal each
 * made it allocate 32 KiB for every byte read (60 KB: 1.9 GB). Only the structure is followed here (frame headers,
 * block sizes, checksums, skippable frames); the decoder checks everything else. Bytes that do not start a frame end
 * the following, as they end the decoder's reading.
 */
final class Lz4BlockLimit extends FilterInputStream {
    /**
     * Compressed blocks read at most: twice the 8,192 that the largest boot image vmboot loads (maxImageBytes' default,
     * 512 MiB) takes in blocks of 64 KiB, the smallest block maximum a frame can name (BD, 4 = 64 KiB).
     */
    static final int MAX_COMPRESSED_BLOCKS = 16_384;
    /** LZ4 Frame Format: the frame magic 0x184D2204, and skippable frames' 0x184D2A50 to 0x184D2A5F. */
    private static final int FRAME_MAGIC = 0x184D_2204;
    private static final int SKIPPABLE_MAGIC = 0x184D_2A50;
    /** FLG bits: block checksum, content size, content checksum, dictionary ID. */
    private static final int FLG_BLOCK_CHECKSUM = 0x10;
    private static final int FLG_CONTENT_SIZE = 0x08;
    private static final int FLG_CONTENT_CHECKSUM = 0x04;
    private static final int FLG_DICTIONARY_ID = 0x01;
    private static final int UNCOMPRESSED_BLOCK = 0x8000_0000;

    private enum State { MAGIC, FLG, HEADER_REST, BLOCK_SIZE, SKIP_THEN_BLOCK, SKIPPABLE_SIZE, SKIP_THEN_MAGIC, DONE }

    private State state = State.MAGIC;
    /** Bytes of the current little-endian field gathered, its value so far, and the last complete one. */
    private int fieldBytes;
    private long field;
    private long value;
    private int flg;
    /** Bytes still to pass over before the next field. */
    private long skip;
    private int compressedBlocks;
    private int blocks;
    private int frames;

    Lz4BlockLimit(InputStream in) {
        super(in);
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            follow(b);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        for (int i = 0; i < n; i++) {
            follow(b[off + i] & 0xFF);
        }
        return n;
    }

    /** Skipped bytes are read, so that the frame structure is followed through them. */
    @Override
    public long skip(long n) throws IOException {
        byte[] scratch = new byte[(int) Math.min(n, 8192)];
        long skipped = 0;
        while (skipped < n) {
            int r = read(scratch, 0, (int) Math.min(scratch.length, n - skipped));
            if (r < 0) {
                break;
            }
            skipped += r;
        }
        return skipped;
    }

    /** Frames, blocks and compressed blocks followed so far. */
    int frames() {
        return frames;
    }

    int blocks() {
        return blocks;
    }

    int compressedBlocks() {
        return compressedBlocks;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private void follow(int b) throws IOException {
        if (skip > 0) {
            if (--skip == 0) {
                state = state == State.SKIP_THEN_MAGIC ? State.MAGIC : State.BLOCK_SIZE;
            }
            return;
        }
        switch (state) {
            case MAGIC -> {
                if (gather(b, 4)) {
                    int magic = (int) value;
                    if (magic == FRAME_MAGIC) {
                        frames++;
                        state = State.FLG;
                    } else if ((magic & 0xFFFF_FFF0) == SKIPPABLE_MAGIC) {
                        state = State.SKIPPABLE_SIZE;
                    } else {
                        state = State.DONE;
                    }
                }
            }
            case FLG -> {
                flg = b;
                // BD, then the optional content size and dictionary ID, then the header checksum
                skip = 1 + ((flg & FLG_CONTENT_SIZE) != 0 ? 8 : 0) + ((flg & FLG_DICTIONARY_ID) != 0 ? 4 : 0) + 1;
                state = State.SKIP_THEN_BLOCK;
            }
            case BLOCK_SIZE, SKIP_THEN_BLOCK -> {
                if (gather(b, 4)) {
                    block((int) value);
                }
            }
            case SKIPPABLE_SIZE -> {
                if (gather(b, 4)) {
                    skip = value;
                    state = skip == 0 ? State.MAGIC : State.SKIP_THEN_MAGIC;
                }
            }
            default -> { }
        }
    }

    /** A block's size field: the end mark, or a block to pass over (counted if compressed). */
    private void block(int size) throws IOException {
        if (size == 0) {
            skip = (flg & FLG_CONTENT_CHECKSUM) != 0 ? 4 : 0;
            state = skip == 0 ? State.MAGIC : State.SKIP_THEN_MAGIC;
            return;
        }
        blocks++;
        if ((size & UNCOMPRESSED_BLOCK) == 0 && ++compressedBlocks > MAX_COMPRESSED_BLOCKS) {
            throw new CompressionFormat.DecompressionLimitException("lz4-compressed data of more than "
                    + MAX_COMPRESSED_BLOCKS + " compressed blocks, the most vmboot decodes in one file (a 512 MiB"
                    + " image in the smallest, 64 KiB blocks takes 8192)");
        }
        skip = (size & ~UNCOMPRESSED_BLOCK) + ((flg & FLG_BLOCK_CHECKSUM) != 0 ? 4 : 0);
        state = State.SKIP_THEN_BLOCK;
    }

    /** Adds byte {@code b} to a little-endian field of {@code length} bytes; true when it is complete. */
    private boolean gather(int b, int length) {
        field |= (long) b << (8 * fieldBytes);
        if (++fieldBytes < length) {
            return false;
        }
        value = field;
        field = 0;
        fieldBytes = 0;
        return true;
    }
}
