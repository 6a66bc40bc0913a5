package dev.vmboot.virtio.blk.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * {@code struct virtio_blk_config} (virtio 1.2, 5.2.4 "Device configuration layout") as far as this device fills
 * it: the fields up to {@code write_zeroes_may_unmap} and its padding. Everything not named here is zero: no
 * {@code size_max}, geometry, topology, {@code writeback} (no CONFIG_WCE), {@code num_queues} (no MQ), discard
 * limits (no DISCARD), and the secure-erase and zoned fields after the end, which the transport reads as zeros.
 *
 * @param capacitySectors       the disk size in 512-byte sectors (always present)
 * @param segMax                most data segments in one request (VIRTIO_BLK_F_SEG_MAX)
 * @param blkSize               the disk's logical block size, a hint for the driver (VIRTIO_BLK_F_BLK_SIZE)
 * @param maxWriteZeroesSectors most sectors in one write-zeroes segment, 0 without VIRTIO_BLK_F_WRITE_ZEROES
 * @param maxWriteZeroesSeg     most segments in one write-zeroes request, 0 without VIRTIO_BLK_F_WRITE_ZEROES
 */
record BlkConfig(long capacitySectors, int segMax, int blkSize, int maxWriteZeroesSectors, int maxWriteZeroesSeg) {

    // virtio 1.2, 5.2.4: field offsets of struct virtio_blk_config (little-endian, packed)
    static final int CAPACITY = 0; // le64
    static final int SIZE_MAX = 8; // le32
    static final int SEG_MAX = 12; // le32
    static final int GEOMETRY = 16; // le16 cylinders, u8 heads, u8 sectors
    static final int BLK_SIZE = 20; // le32
    static final int TOPOLOGY = 24; // u8 physical_block_exp, u8 alignment_offset, le16 min_io_size, le32 opt_io_size
    static final int WRITEBACK = 32; // u8, then u8 unused0 ("The device MUST initialize padding ... to 0", 5.2.5.1)
    static final int NUM_QUEUES = 34; // le16
    static final int MAX_DISCARD_SECTORS = 36; // le32, then max_discard_seg, discard_sector_alignment
    static final int MAX_WRITE_ZEROES_SECTORS = 48; // le32
    static final int MAX_WRITE_ZEROES_SEG = 52; // le32
    static final int WRITE_ZEROES_MAY_UNMAP = 56; // u8, then u8 unused1[3]
    /** The bytes up to and including {@code unused1}. */
    static final int LENGTH = 60;

    BlkConfig {
        if (capacitySectors < 0 || segMax < 1 || Integer.bitCount(blkSize) != 1 || blkSize < 512
                || maxWriteZeroesSectors < 0 || maxWriteZeroesSeg < 0) {
            throw new IllegalArgumentException("bad virtio-blk config " + capacitySectors + " " + segMax + " "
                    + blkSize + " " + maxWriteZeroesSectors + " " + maxWriteZeroesSeg);
        }
    }

    /**
     * The structure as the driver reads it. {@code write_zeroes_may_unmap} stays 0: "The device SHOULD clear
     * write_zeroes_may_unmap ... if and only if a write zeroes request cannot result in deallocating one or more
     * sectors" (5.2.6.2), and this device always writes the zeros.
     */
    byte[] bytes() {
        ByteBuffer b = ByteBuffer.allocate(LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(CAPACITY, capacitySectors);
        b.putInt(SEG_MAX, segMax);
        b.putInt(BLK_SIZE, blkSize);
        b.putInt(MAX_WRITE_ZEROES_SECTORS, maxWriteZeroesSectors);
        b.putInt(MAX_WRITE_ZEROES_SEG, maxWriteZeroesSeg);
        return b.array();
    }
}
