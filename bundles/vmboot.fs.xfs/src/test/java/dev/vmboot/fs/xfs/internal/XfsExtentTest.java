package dev.vmboot.fs.xfs.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The packed 128-bit extent record: flag(1) | startoff(54) | startblock(52) | blockcount(21). */
class XfsExtentTest {
    /** Packs a record the way xfs_bmbt_disk_set_all does. */
    private static long[] pack(boolean unwritten, long startOff, long startBlock, long count) {
        long l0 = (unwritten ? 1L << 63 : 0) | startOff << 9 | startBlock >>> 43;
        long l1 = startBlock << 21 | count;
        return new long[] {l0, l1};
    }

    @Test
    void decodesEveryFieldAtItsExtremes() {
        long maxOff = (1L << 54) - 1;
        long maxBlock = (1L << 52) - 1;
        long maxCount = (1L << 21) - 1;
        long[] r = pack(true, maxOff, maxBlock, maxCount);
        assertEquals(new XfsExtent(maxOff, maxBlock, maxCount, true), XfsExtent.decode(r[0], r[1]));
        r = pack(false, 0, 1L << 43, 1);
        assertEquals(new XfsExtent(0, 1L << 43, 1, false), XfsExtent.decode(r[0], r[1]));
        r = pack(false, 130144, 393226, 130144);
        assertEquals(new XfsExtent(130144, 393226, 130144, false), XfsExtent.decode(r[0], r[1]));
    }

    @Test
    void decodesFromBigEndianBytes() {
        byte[] b = new byte[16];
        long[] r = pack(false, 0x123456789L, 0xabcdef0123L, 0x1fffff);
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (r[0] >>> (56 - 8 * i));
            b[8 + i] = (byte) (r[1] >>> (56 - 8 * i));
        }
        assertEquals(new XfsExtent(0x123456789L, 0xabcdef0123L, 0x1fffff, false), XfsExtent.decode(b, 0));
    }
}
