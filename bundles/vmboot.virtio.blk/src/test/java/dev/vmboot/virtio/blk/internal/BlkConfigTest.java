package dev.vmboot.virtio.blk.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

/** {@code struct virtio_blk_config} bytes (virtio 1.2, 5.2.4). */
class BlkConfigTest {

    @Test
    void fieldsAtTheirOffsetsLittleEndianAndEverythingElseZero() {
        byte[] b = new BlkConfig(0x0102_0304_0506_0708L, 254, 4096, 32768, 1).bytes();
        assertEquals(60, b.length);
        ByteBuffer le = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0x0102_0304_0506_0708L, le.getLong(0));
        assertEquals(0x08, b[0]); // capacity's low byte first
        assertEquals(0, le.getInt(8)); // size_max
        assertEquals(254, le.getInt(12)); // seg_max
        assertEquals(0, le.getInt(16)); // geometry
        assertEquals(4096, le.getInt(20)); // blk_size
        assertArrayEquals(new byte[36 - 24], Arrays.copyOfRange(b, 24, 36)); // topology, writeback, unused0, num_queues
        assertArrayEquals(new byte[12], Arrays.copyOfRange(b, 36, 48)); // no discard limits
        assertEquals(32768, le.getInt(48)); // max_write_zeroes_sectors
        assertEquals(1, le.getInt(52)); // max_write_zeroes_seg
        assertArrayEquals(new byte[4], Arrays.copyOfRange(b, 56, 60)); // write_zeroes_may_unmap, unused1
    }

    @Test
    void aReadOnlyDiskHasNoWriteZeroesLimits() {
        ByteBuffer le = ByteBuffer.wrap(new BlkConfig(8, 254, 512, 0, 0).bytes()).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(8, le.getLong(BlkConfig.CAPACITY));
        assertEquals(512, le.getInt(BlkConfig.BLK_SIZE));
        assertEquals(0, le.getInt(BlkConfig.MAX_WRITE_ZEROES_SECTORS));
        assertEquals(0, le.getInt(BlkConfig.MAX_WRITE_ZEROES_SEG));
    }

    @Test
    void impossibleValuesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new BlkConfig(-1, 254, 512, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new BlkConfig(8, 0, 512, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new BlkConfig(8, 254, 1000, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new BlkConfig(8, 254, 256, 0, 0));
    }
}
