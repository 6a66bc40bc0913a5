package dev.vmboot.testkit;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * Small compressed files whose headers ask the decompressor for a large amount of memory before any data: an .xz
 * stream naming a large LZMA2 dictionary, a Zstandard frame naming a large window, an lzma_alone header naming a large
 * dictionary. The bytes are written out here from the format specifications, independently of the decompressors under
 * test; the .xz and zstd ones are complete, valid files that decompress to {@link #CONTENT} where the memory is given.
 */
public final class CompressionBombs {
    /** What the .xz and zstd files hold: 18 bytes, which make the .xz file 72 bytes long. */
    public static final byte[] CONTENT = "vmboot: tiny file\n".getBytes(StandardCharsets.US_ASCII);
    /** xz file format 1.1.0, 5.3.1: the LZMA2 dictionary size byte 37 stands for (2 | 1) << (18 + 11), 1.5 GiB. */
    public static final int XZ_DICTIONARY_1536_MIB = 37;

    private CompressionBombs() {
    }

    /** LZMA2's dictionary size for its one-byte encoding (xz file format 1.1.0, 5.3.1; 40 is 4 GiB - 1). */
    public static long lzma2DictionarySize(int encoded) {
        return encoded == 40 ? 0xFFFF_FFFFL : (2L | (encoded & 1)) << (encoded / 2 + 11);
    }

    /**
     * A single-stream .xz file (xz file format 1.1.0) with CRC32 checks and one block: one LZMA2 filter whose
     * properties byte is {@code dictionaryByte}, and data of one uncompressed LZMA2 chunk holding {@link #CONTENT}.
     */
    public static byte[] xz(int dictionaryByte) {
        return xz(dictionaryByte, 1);
    }

    /**
     * A single-stream .xz file as {@link #xz(int)}, of {@code blocks} such blocks one after the other: {@link #CONTENT}
     * repeated, each time behind a block header naming the dictionary anew (54 bytes a block).
     */
    public static byte[] xz(int dictionaryByte, int blocks) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] streamFlags = {0x00, 0x01}; // 2.1.1.2: no flags, check type 0x01 = CRC32
        // 2.1.1: Stream Header
        out.writeBytes(new byte[] {(byte) 0xFD, '7', 'z', 'X', 'Z', 0x00});
        out.writeBytes(streamFlags);
        out.writeBytes(le32(crc32(streamFlags)));
        // 3.1: Block Header: size byte, flags (one filter, no sizes), Filter Flags (ID 0x21, one property byte),
        // padding to a multiple of four, CRC32
        byte[] header = {0x02, 0x00, 0x21, 0x01, (byte) dictionaryByte, 0, 0, 0};
        // 5.3.1 and the LZMA2 chunk format: control 0x01 (uncompressed chunk, dictionary reset), size - 1 in big
        // endian, the bytes, then the end marker 0x00
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        data.write(0x01);
        data.write((CONTENT.length - 1) >> 8);
        data.write((CONTENT.length - 1) & 0xFF);
        data.writeBytes(CONTENT);
        data.write(0x00);
        int compressed = data.size();
        for (int i = 0; i < blocks; i++) {
            out.writeBytes(header);
            out.writeBytes(le32(crc32(header)));
            out.writeBytes(data.toByteArray());
            out.writeBytes(new byte[padding(compressed)]); // 3.3: Block Padding
            out.writeBytes(le32(crc32(CONTENT))); // 3.4: Check
        }
        // 4: Index: indicator, the number of records, one record (unpadded size, uncompressed size) per block,
        // padding, CRC32; 1.2: numbers as multibyte integers
        ByteArrayOutputStream index = new ByteArrayOutputStream();
        index.write(0x00);
        writeMultibyte(index, blocks);
        for (int i = 0; i < blocks; i++) {
            writeMultibyte(index, header.length + 4 + compressed + 4);
            writeMultibyte(index, CONTENT.length);
        }
        index.writeBytes(new byte[padding(index.size())]);
        byte[] indexBytes = index.toByteArray();
        out.writeBytes(indexBytes);
        out.writeBytes(le32(crc32(indexBytes)));
        // 2.1.2: Stream Footer: CRC32 of Backward Size and flags, Backward Size, flags, 'YZ'
        ByteBuffer backward = ByteBuffer.allocate(6).order(ByteOrder.LITTLE_ENDIAN);
        backward.putInt((indexBytes.length + 4) / 4 - 1).put(streamFlags);
        out.writeBytes(le32(crc32(backward.array())));
        out.writeBytes(backward.array());
        out.writeBytes(new byte[] {'Y', 'Z'});
        return out.toByteArray();
    }

    /** xz file format 1.1.0, 1.2: seven bits a byte, least significant first, the top bit set on all but the last. */
    private static void writeMultibyte(ByteArrayOutputStream out, long value) {
        while (value >= 0x80) {
            out.write((int) (value & 0x7F) | 0x80);
            value >>>= 7;
        }
        out.write((int) value);
    }

    /**
     * A Zstandard frame (RFC 8878, 3.1.1) of {@link #CONTENT} in one raw block, whose Window_Descriptor asks for
     * {@code 2^windowLog} bytes (10 to 41): no content size, checksum or dictionary.
     */
    public static byte[] zstd(int windowLog) {
        if (windowLog < 10 || windowLog > 41) {
            throw new IllegalArgumentException("window log " + windowLog + " is not between 10 and 41");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {0x28, (byte) 0xB5, 0x2F, (byte) 0xFD}); // 3.1.1: magic 0xFD2FB528
        out.write(0x00); // 3.1.1.1.1: Frame_Header_Descriptor, nothing optional, not single-segment
        out.write((windowLog - 10) << 3); // 3.1.1.1.2: exponent, mantissa 0
        int blockHeader = CONTENT.length << 3 | 0b001; // 3.1.1.2: Last_Block, Raw_Block, Block_Size
        out.writeBytes(new byte[] {(byte) blockHeader, (byte) (blockHeader >> 8), (byte) (blockHeader >> 16)});
        out.writeBytes(CONTENT);
        return out.toByteArray();
    }

    /**
     * The 13-byte header of an lzma_alone (.lzma) file naming a {@code dictionarySize}-byte dictionary, the
     * properties of {@code lzma -9} (lc 3, lp 0, pb 2: 0x5D) and an unknown size, then the range coder's first five
     * bytes (all zero) and {@code more} bytes of zeros (xz's liblzma, lzma_decoder.c and the LZMA SDK's lzma.txt).
     */
    public static byte[] lzmaAlone(long dictionarySize, int more) {
        ByteBuffer b = ByteBuffer.allocate(13 + 5 + more).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x5D).putInt((int) dictionarySize).putLong(-1);
        return b.array();
    }

    private static int padding(int size) {
        return (4 - size % 4) % 4;
    }

    private static long crc32(byte[] b) {
        CRC32 crc = new CRC32();
        crc.update(b);
        return crc.getValue();
    }

    private static byte[] le32(long v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array();
    }
}
