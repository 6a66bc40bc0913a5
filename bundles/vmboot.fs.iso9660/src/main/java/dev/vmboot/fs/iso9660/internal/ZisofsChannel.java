package dev.vmboot.fs.iso9660.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

import dev.vmboot.api.fs.CorruptFilesystemException;
import dev.vmboot.api.fs.ReadOnlyFileChannel;
import dev.vmboot.api.storage.BlockDevice;

/**
 * A zisofs-compressed file (version 1, as mkzftree and libisofs write it and Linux's fs/isofs/compress.c reads it):
 * a 16-byte header, a table of {@code blocks + 1} little-endian 32-bit offsets, and each block of {@code 2^blockLog}
 * bytes compressed on its own with zlib; a block whose two offsets are equal is all zeros. The last inflated block is
 * kept, so sequential reads inflate each block once.
 */
final class ZisofsChannel extends ReadOnlyFileChannel {
    /** zisofs header magic (mkzftree, zisofs.h). */
    private static final byte[] MAGIC = {0x37, (byte) 0xE4, 0x53, (byte) 0x96, (byte) 0xC9, (byte) 0xDB,
        (byte) 0xD6, 0x07};
    /** The header's size in bytes; the ZF entry records it divided by 4. */
    private static final int HEADER_BYTES = 16;
    /** Block sizes zisofs allows: 32, 64 and 128 KiB (Linux's fs/isofs/rock.c accepts these). */
    private static final int MIN_BLOCK_LOG = 15;
    private static final int MAX_BLOCK_LOG = 17;
    /** The ZF algorithm of zisofs version 1. */
    private static final String ALGORITHM = "pz";

    private final BlockDevice device;
    private final FileExtents compressed;
    private final String owner;
    private final int blockLog;
    private final long blocks;
    private final long uncompressed;
    private final Inflater inflater = new Inflater();
    private byte[] block;
    private long cachedBlock = -1;

    private ZisofsChannel(BlockDevice device, FileExtents compressed, String owner, long size, int blockLog) {
        super(size);
        this.device = device;
        this.compressed = compressed;
        this.owner = owner;
        this.blockLog = blockLog;
        this.blocks = (size + (1L << blockLog) - 1) >>> blockLog;
        this.uncompressed = size;
    }

    /** Why a ZF entry's file cannot be read by this channel, or null if it can. */
    static String unsupported(RockRidge.Zisofs zf) {
        if (!zf.algorithm().equals(ALGORITHM)) {
            return "compressed with zisofs algorithm \"" + zf.algorithm() + "\", which this reader does not read";
        }
        if (zf.headerBytes() != HEADER_BYTES || zf.blockLog() < MIN_BLOCK_LOG || zf.blockLog() > MAX_BLOCK_LOG) {
            return "a zisofs header of " + zf.headerBytes() + " bytes with 2^" + zf.blockLog()
                    + "-byte blocks, which this reader does not read";
        }
        return null;
    }

    /** Opens the compressed data of a file whose ZF entry is {@code zf}, checking its header against the entry. */
    static ZisofsChannel open(BlockDevice device, FileExtents compressed, RockRidge.Zisofs zf, String owner)
            throws IOException {
        ZisofsChannel channel = new ZisofsChannel(device, compressed, owner, zf.size(), zf.blockLog());
        byte[] header = channel.compressedBytes(0, HEADER_BYTES);
        if (!Arrays.equals(header, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new CorruptFilesystemException("zisofs header of " + owner, compressed.deviceOffset(0),
                    "bad magic");
        }
        long size = IsoNumbers.u32le(header, 8);
        if (size != zf.size() || IsoNumbers.u8(header, 12) * 4 != HEADER_BYTES
                || IsoNumbers.u8(header, 13) != zf.blockLog()) {
            throw new CorruptFilesystemException("zisofs header of " + owner, compressed.deviceOffset(0),
                    "size " + size + ", header " + IsoNumbers.u8(header, 12) * 4 + " bytes, block log "
                            + IsoNumbers.u8(header, 13) + " disagree with the ZF entry's " + zf.size() + ", "
                            + zf.headerBytes() + ", " + zf.blockLog());
        }
        return channel;
    }

    @Override
    protected int readAt(long at, ByteBuffer dst, int max) throws IOException {
        long index = at >>> blockLog;
        if (index != cachedBlock) {
            block = inflate(index);
            cachedBlock = index;
        }
        int within = (int) (at - (index << blockLog));
        int n = Math.min(max, block.length - within);
        dst.put(block, within, n);
        return n;
    }

    private byte[] inflate(long index) throws IOException {
        int blockSize = 1 << blockLog;
        int expected = (int) Math.min(blockSize, uncompressed - (index << blockLog));
        byte[] pointers = compressedBytes(HEADER_BYTES + 4 * index, 8);
        long from = IsoNumbers.u32le(pointers, 0);
        long to = IsoNumbers.u32le(pointers, 4);
        long tableEnd = HEADER_BYTES + 4 * (blocks + 1);
        String structure = "zisofs block " + index + " of " + owner;
        if (from < tableEnd || to < from || to > compressed.size() || to - from > 2L * blockSize) {
            throw new CorruptFilesystemException(structure, compressed.deviceOffset(HEADER_BYTES + 4 * index),
                    "block pointers " + from + ".." + to + " do not lie within the " + compressed.size()
                            + " compressed bytes after the " + tableEnd + "-byte table");
        }
        byte[] out = new byte[expected];
        if (from == to) {
            return out;
        }
        byte[] in = compressedBytes(from, (int) (to - from));
        inflater.reset();
        inflater.setInput(in);
        try {
            int n = 0;
            while (n < expected && !inflater.finished()) {
                int k = inflater.inflate(out, n, expected - n);
                if (k == 0) {
                    break;
                }
                n += k;
            }
            if (n != expected) {
                throw new CorruptFilesystemException(structure, compressed.deviceOffset(from), "inflates to " + n
                        + " bytes, not " + expected);
            }
            if (!inflater.finished() && inflater.inflate(new byte[1]) > 0) {
                throw new CorruptFilesystemException(structure, compressed.deviceOffset(from), "inflates to more"
                        + " than " + expected + " bytes");
            }
        } catch (DataFormatException e) {
            throw new CorruptFilesystemException(structure, compressed.deviceOffset(from), "bad zlib data: "
                    + e.getMessage());
        }
        return out;
    }

    /** {@code length} bytes of the compressed stream at {@code pos}, which must lie within it. */
    private byte[] compressedBytes(long pos, int length) throws IOException {
        if (pos < 0 || pos + length > compressed.size()) {
            throw new CorruptFilesystemException("zisofs data of " + owner, compressed.firstByte(), "needs bytes "
                    + pos + ".." + (pos + length) + " of only " + compressed.size());
        }
        ByteBuffer buf = ByteBuffer.allocate(length);
        while (buf.hasRemaining()) {
            long p = pos + buf.position();
            int chunk = (int) Math.min(buf.remaining(), compressed.contiguous(p));
            readDevice(device, compressed.deviceOffset(p), buf, chunk);
        }
        return buf.array();
    }

    @Override
    protected CorruptFilesystemException beyondDevice(BlockDevice device, long devicePos) {
        return IsoFileChannel.beyondDevice(device, devicePos, owner);
    }

    @Override
    public void close() {
        super.close();
        inflater.end();
    }
}
