package dev.vmboot.storage.internal.scan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import org.apache.commons.compress.compressors.lz4.BlockLZ4CompressorOutputStream;
import org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorInputStream;
import org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorOutputStream;
import org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorOutputStream.BlockSize;
import org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorOutputStream.Parameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.vmboot.api.boot.Compression;
import dev.vmboot.testkit.ThreadAllocation;

/** The frame structure {@link Lz4BlockLimit} follows, and the bound it keeps on compressed blocks. */
class Lz4BlockLimitTest {
    /** 256 KiB: half text-like and compressible, half random, which commons-compress stores uncompressed. */
    private static byte[] content() {
        byte[] b = new byte[256 << 10];
        int half = b.length / 2;
        StringBuilder text = new StringBuilder();
        for (int i = 0; text.length() < half; i++) {
            text.append("line ").append(i).append(" of something compressible\n");
        }
        System.arraycopy(text.toString().getBytes(StandardCharsets.US_ASCII), 0, b, 0, half);
        Random r = new Random(11);
        byte[] noise = new byte[half];
        r.nextBytes(noise);
        System.arraycopy(noise, 0, b, half, half);
        return b;
    }

    private static byte[] frame(byte[] data, Parameters parameters) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream z = new FramedLZ4CompressorOutputStream(out, parameters)) {
            z.write(data);
        }
        return out.toByteArray();
    }

    private static byte[] le32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    /**
     * Frames written by commons-compress with every option its writer has, two of them with a skippable frame
     * between: the structure is followed to the end (every block of both frames seen) and the data decodes unchanged.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void framesWithEveryOptionAreFollowedToTheirLastBlock(boolean checksums) throws IOException {
        byte[] data = content();
        Parameters parameters = new Parameters(BlockSize.K64, checksums, checksums, !checksums);
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.write(frame(data, parameters));
        file.write(le32(0x184D_2A5A)); // a skippable frame of 5 bytes
        file.write(le32(5));
        file.write(new byte[5]);
        file.write(frame(data, parameters));
        Lz4BlockLimit limit = new Lz4BlockLimit(new ByteArrayInputStream(file.toByteArray()));
        try (InputStream in = new FramedLZ4CompressorInputStream(limit, true)) {
            byte[] out = in.readAllBytes();
            assertEquals(2 * data.length, out.length);
            assertArrayEquals(data, Arrays.copyOf(out, data.length));
        }
        assertEquals(2, limit.frames());
        assertEquals(2 * data.length / (64 << 10), limit.blocks(), "4 blocks of 64 KiB a frame");
        assertTrue(limit.compressedBlocks() >= 4 && limit.compressedBlocks() < limit.blocks(),
                limit.compressedBlocks() + " compressed");
    }

    /** A frame of {@code blocks} compressed blocks of one literal each, 10 bytes a block. */
    private static byte[] tinyBlocks(int blocks) throws IOException {
        ByteArrayOutputStream one = new ByteArrayOutputStream();
        try (OutputStream z = new BlockLZ4CompressorOutputStream(one)) {
            z.write('k');
        }
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        byte[] single = frame(new byte[] {'k'}, new Parameters(BlockSize.K64, false, false, false));
        // The frame header of commons-compress's writer: magic, FLG, BD, HC (7 bytes); then the blocks, the end mark.
        file.write(single, 0, 7);
        for (int i = 0; i < blocks; i++) {
            file.write(le32(one.size()));
            one.writeTo(file);
        }
        file.write(le32(0));
        return file.toByteArray();
    }

    /**
     * Blocks of one literal each: 6 bytes of a file that made commons-compress allocate a 192 KiB block decoder (60 KB:
     * 1.9 GB). Up to the bound they decode; one more is refused, one block decoder past the bound.
     */
    @Test
    void aFileOfMoreCompressedBlocksThanTheBoundIsRefused() throws IOException {
        byte[] atBound = tinyBlocks(Lz4BlockLimit.MAX_COMPRESSED_BLOCKS);
        try (InputStream in = CompressionFormat.decompress(Compression.LZ4, new ByteArrayInputStream(atBound))) {
            assertEquals(Lz4BlockLimit.MAX_COMPRESSED_BLOCKS, in.readAllBytes().length);
        }
        byte[] over = tinyBlocks(100_000);
        long before = ThreadAllocation.bytes();
        IOException e;
        try (InputStream in = CompressionFormat.decompress(Compression.LZ4, new ByteArrayInputStream(over))) {
            e = assertThrows(CompressionFormat.DecompressionLimitException.class, in::readAllBytes);
        }
        long allocated = ThreadAllocation.bytes() - before;
        assertEquals("lz4-compressed data of more than 16384 compressed blocks, the most vmboot decodes in one file"
                + " (a 512 MiB image in the smallest, 64 KiB blocks takes 8192)", e.getMessage());
        assertTrue(allocated < (Lz4BlockLimit.MAX_COMPRESSED_BLOCKS + 1L) * (256 << 10), allocated + " allocated");
    }
}
