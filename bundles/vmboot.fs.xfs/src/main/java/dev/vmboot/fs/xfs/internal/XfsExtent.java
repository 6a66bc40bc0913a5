package dev.vmboot.fs.xfs.internal;

/**
 * One decoded extent record, {@code struct xfs_bmbt_rec} (xfs_format.h): 128 bits holding, from the top, the
 * unwritten flag (1 bit), the file offset (54 bits), the AG-encoded start block (52 bits) and the length (21 bits).
 *
 * @param fileBlock  br_startoff, in filesystem blocks
 * @param startBlock br_startblock as stored (AG number and AG block packed together)
 * @param blockCount br_blockcount
 * @param unwritten  preallocated, reads as zeros
 */
public record XfsExtent(long fileBlock, long startBlock, long blockCount, boolean unwritten) {
    // xfs_format.h: BMBT_STARTOFF_BITLEN, BMBT_STARTBLOCK_BITLEN, BMBT_BLOCKCOUNT_BITLEN
    static final int STARTOFF_BITS = 54;
    static final int STARTBLOCK_BITS = 52;
    static final int BLOCKCOUNT_BITS = 21;
    /** Size of one on-disk record. */
    static final int SIZE = 16;

    /** Decodes the two big-endian 64-bit words of a record. */
    public static XfsExtent decode(long l0, long l1) {
        boolean unwritten = l0 < 0;
        long startOff = (l0 >>> 9) & ((1L << STARTOFF_BITS) - 1);
        long startBlock = ((l0 & 0x1ffL) << 43) | (l1 >>> BLOCKCOUNT_BITS);
        long count = l1 & ((1L << BLOCKCOUNT_BITS) - 1);
        return new XfsExtent(startOff, startBlock, count, unwritten);
    }

    /** Decodes the record at {@code at} in {@code b}. */
    public static XfsExtent decode(byte[] b, int at) {
        return decode(BigEndian.getLong(b, at), BigEndian.getLong(b, at + 8));
    }
}
