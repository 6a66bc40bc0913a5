package dev.vmboot.virtio.blk.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.vmboot.virtio.blk.internal.BlkRefusal.Reason;

/** Request parsing, one rule at a time (virtio 1.2, 5.2.6), over {@link ArrayChain}s. */
class BlkRequestTest {
    static final long CAPACITY = 2048; // 1 MiB
    static final BlkConfig WRITABLE = new BlkConfig(CAPACITY, 254, 512, 32 << 10, 1);

    static byte[] header(int type, long sector) {
        return ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putInt(type).putInt(0).putLong(sector).array();
    }

    static byte[] segment(long sector, int sectors, int flags) {
        return ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(sector).putInt(sectors).putInt(flags)
                .array();
    }

    static BlkParsed parse(ArrayChain chain) {
        return BlkRequest.parse(chain, WRITABLE, false);
    }

    static BlkParsed parseReadOnly(ArrayChain chain) {
        return BlkRequest.parse(chain, WRITABLE, true);
    }

    static void assertRefused(Reason reason, BlkParsed parsed) {
        assertEquals(BlkRefusal.class, parsed.getClass(), () -> "expected " + reason + ", got " + parsed);
        assertEquals(reason, ((BlkRefusal) parsed).reason());
    }

    @Test
    void readTakesTheWritableBytesBeforeTheStatus() {
        ArrayChain chain = new ArrayChain().readable(header(0, 8)).writable(4096).writable(1);
        assertEquals(new BlkRequest(BlkRequestType.IN, 8, 4096), parse(chain));
        assertEquals(8 * 512, ((BlkRequest) parse(chain)).position());
    }

    @Test
    void headerSplitAcrossDescriptorsAndStatusInsideTheDataDescriptor() {
        byte[] h = header(0, 3);
        ArrayChain chain = new ArrayChain().readable(java.util.Arrays.copyOf(h, 5))
                .readable(java.util.Arrays.copyOfRange(h, 5, 16)).writable(1024 + 1);
        assertEquals(new BlkRequest(BlkRequestType.IN, 3, 1024), parse(chain));
    }

    @Test
    void writeTakesTheReadableBytesAfterTheHeader() {
        ArrayChain chain = new ArrayChain().readable(header(1, 0)).readable(new byte[512]).readable(new byte[1536])
                .writable(1);
        assertEquals(new BlkRequest(BlkRequestType.OUT, 0, 2048), parse(chain));
    }

    @Test
    void headerAndDataInOneReadableDescriptor() {
        ByteBuffer b = ByteBuffer.allocate(16 + 512).put(header(1, 5));
        assertEquals(new BlkRequest(BlkRequestType.OUT, 5, 512), parse(new ArrayChain().readable(b.array())
                .writable(1)));
    }

    @Test
    void flushNeedsNoDataAndIgnoresSectorAndData() {
        assertEquals(new BlkRequest(BlkRequestType.FLUSH, 0, 0), parse(new ArrayChain().readable(header(4, 0))
                .writable(1)));
        // 5.2.6.1: sector MUST be 0 and data SHOULD be absent; a flush is still a flush without them
        assertEquals(new BlkRequest(BlkRequestType.FLUSH, 0, 0), parse(new ArrayChain().readable(header(4, 99))
                .readable(new byte[512]).writable(8)));
        assertEquals(new BlkRequest(BlkRequestType.FLUSH, 0, 0), parseReadOnly(new ArrayChain()
                .readable(header(4, 0)).writable(1)));
    }

    @Test
    void getIdCopiesAtMostTwentyBytesAndLessIntoAShorterBuffer() {
        assertEquals(new BlkRequest(BlkRequestType.GET_ID, 0, 20), parse(new ArrayChain().readable(header(8, 0))
                .writable(20).writable(1)));
        assertEquals(new BlkRequest(BlkRequestType.GET_ID, 0, 20), parse(new ArrayChain().readable(header(8, 0))
                .writable(512).writable(1)));
        assertEquals(new BlkRequest(BlkRequestType.GET_ID, 0, 7), parse(new ArrayChain().readable(header(8, 0))
                .writable(7).writable(1)));
        assertEquals(new BlkRequest(BlkRequestType.GET_ID, 0, 0), parse(new ArrayChain().readable(header(8, 0))
                .writable(1)));
    }

    @Test
    void sectorsUpToTheCapacityAreInsideAndOnePastIsNot() {
        assertEquals(new BlkRequest(BlkRequestType.IN, CAPACITY - 2, 1024), parse(new ArrayChain()
                .readable(header(0, CAPACITY - 2)).writable(1024).writable(1)));
        assertRefused(Reason.BEYOND_CAPACITY, parse(new ArrayChain().readable(header(0, CAPACITY - 1))
                .writable(1024).writable(1)));
        assertRefused(Reason.BEYOND_CAPACITY, parse(new ArrayChain().readable(header(1, CAPACITY))
                .readable(new byte[512]).writable(1)));
        // no data at the end of the disk is inside; no data past it is not
        assertEquals(new BlkRequest(BlkRequestType.IN, CAPACITY, 0), parse(new ArrayChain()
                .readable(header(0, CAPACITY)).writable(1)));
        assertRefused(Reason.BEYOND_CAPACITY, parse(new ArrayChain().readable(header(0, CAPACITY + 1))
                .writable(1)));
    }

    /** A sector near 2^64 must not wrap around to a small offset (unsigned, overflow-free comparison). */
    @ParameterizedTest
    @ValueSource(longs = { -1L, -2L, Long.MIN_VALUE, Long.MAX_VALUE, Long.MAX_VALUE - 1, 1L << 55 })
    void hugeSectorsAreBeyondCapacity(long sector) {
        assertRefused(Reason.BEYOND_CAPACITY, parse(new ArrayChain().readable(header(0, sector)).writable(512)
                .writable(1)));
        assertRefused(Reason.BEYOND_CAPACITY, parse(new ArrayChain().readable(header(13, 0))
                .readable(segment(sector, 1, 0)).writable(1)));
    }

    @Test
    void insideIsUnsignedAndOverflowFree() {
        assertTrue(BlkRequest.inside(0, 0, 0));
        assertTrue(BlkRequest.inside(0, CAPACITY, CAPACITY));
        assertFalse(BlkRequest.inside(1, CAPACITY, CAPACITY));
        assertFalse(BlkRequest.inside(-1, 2, CAPACITY));
        assertFalse(BlkRequest.inside(2, -1, CAPACITY));
        assertTrue(BlkRequest.inside(Long.MAX_VALUE, 1, -1));
        assertFalse(BlkRequest.inside(-2, 2, -1));
    }

    @ParameterizedTest
    @ValueSource(ints = { 1, 100, 511, 513, 4095 })
    void dataThatIsNotWholeSectorsIsRefused(int length) {
        assertRefused(Reason.PARTIAL_SECTOR, parse(new ArrayChain().readable(header(0, 0)).writable(length)
                .writable(1)));
        assertRefused(Reason.PARTIAL_SECTOR, parse(new ArrayChain().readable(header(1, 0))
                .readable(new byte[length]).writable(1)));
    }

    @ParameterizedTest
    @ValueSource(ints = { 1, 11, 13 })
    void writesToAReadOnlyDiskAreRefusedWithIoErr(int type) {
        ArrayChain chain = new ArrayChain().readable(header(type, 0)).readable(type == 1 ? new byte[512]
                : segment(0, 1, 0)).writable(1);
        BlkParsed parsed = parseReadOnly(chain);
        assertRefused(Reason.READ_ONLY, parsed);
        assertEquals(BlkStatus.IOERR, ((BlkRefusal) parsed).status());
        assertEquals(BlkRequestType.of(type), ((BlkRefusal) parsed).type());
        assertEquals(new BlkRequest(BlkRequestType.IN, 0, 512), parseReadOnly(new ArrayChain()
                .readable(header(0, 0)).writable(513)));
    }

    /** Legacy SCSI (2, 3), FLUSH_OUT (5), GET_LIFETIME (10), SECURE_ERASE (14), zoned (16), BARRIER bit. */
    @ParameterizedTest
    @ValueSource(ints = { 2, 3, 5, 10, 14, 16, 0x8000_0000, 0x8000_0001, -1 })
    void unknownTypesAreUnsupported(int type) {
        BlkParsed parsed = parse(new ArrayChain().readable(header(type, 0)).writable(513));
        assertRefused(Reason.UNSUPPORTED_TYPE, parsed);
        assertEquals(BlkStatus.UNSUPP, ((BlkRefusal) parsed).status());
        assertNull(((BlkRefusal) parsed).type());
    }

    @Test
    void discardIsNotOfferedSoItIsUnsupported() {
        BlkParsed parsed = parse(new ArrayChain().readable(header(11, 0)).readable(segment(0, 8, 0)).writable(1));
        assertRefused(Reason.UNSUPPORTED_TYPE, parsed);
        assertEquals(BlkRequestType.DISCARD, ((BlkRefusal) parsed).type());
    }

    @Test
    void aChainWithoutWritableByteHasNoStatus() {
        BlkParsed parsed = parse(new ArrayChain().readable(header(0, 0)));
        assertRefused(Reason.NO_STATUS_BYTE, parsed);
        assertNull(((BlkRefusal) parsed).status());
        assertRefused(Reason.NO_STATUS_BYTE, parse(new ArrayChain().readable(header(1, 0)).readable(new byte[512])));
        assertRefused(Reason.NO_STATUS_BYTE, parse(new ArrayChain()));
    }

    @ParameterizedTest
    @ValueSource(ints = { 0, 1, 8, 15 })
    void aHeaderShorterThanSixteenBytesIsRefusedWithIoErr(int length) {
        ArrayChain chain = new ArrayChain();
        if (length > 0) {
            chain.readable(java.util.Arrays.copyOf(header(0, 0), length));
        }
        BlkParsed parsed = parse(chain.writable(513));
        assertRefused(Reason.HEADER_TOO_SHORT, parsed);
        assertEquals(BlkStatus.IOERR, ((BlkRefusal) parsed).status());
    }

    @Test
    void dataInTheWrongDirectionIsRefused() {
        assertRefused(Reason.DATA_DIRECTION, parse(new ArrayChain().readable(header(0, 0)).readable(new byte[512])
                .writable(513)));
        assertRefused(Reason.DATA_DIRECTION, parse(new ArrayChain().readable(header(1, 0)).readable(new byte[512])
                .writable(2)));
        assertRefused(Reason.DATA_DIRECTION, parse(new ArrayChain().readable(header(8, 0)).readable(new byte[20])
                .writable(21)));
        assertRefused(Reason.DATA_DIRECTION, parse(new ArrayChain().readable(header(13, 0))
                .readable(segment(0, 1, 0)).writable(17)));
    }

    @Test
    void writeZeroesTakesOneSegmentWithOrWithoutUnmap() {
        assertEquals(new BlkRequest(BlkRequestType.WRITE_ZEROES, 10, 8 * 512), parse(new ArrayChain()
                .readable(header(13, 0)).readable(segment(10, 8, 0)).writable(1)));
        assertEquals(new BlkRequest(BlkRequestType.WRITE_ZEROES, 10, 8 * 512), parse(new ArrayChain()
                .readable(header(13, 0)).readable(segment(10, 8, BlkRequestType.SEGMENT_FLAG_UNMAP)).writable(1)));
        assertEquals(new BlkRequest(BlkRequestType.WRITE_ZEROES, CAPACITY, 0), parse(new ArrayChain()
                .readable(header(13, 0)).readable(segment(CAPACITY, 0, 0)).writable(1)));
    }

    @Test
    void writeZeroesSegmentRules() {
        ByteBuffer two = ByteBuffer.allocate(32).put(segment(0, 1, 0)).put(segment(8, 1, 0));
        assertRefused(Reason.SEGMENT_COUNT, parse(new ArrayChain().readable(header(13, 0)).readable(two.array())
                .writable(1)));
        assertRefused(Reason.SEGMENT_COUNT, parse(new ArrayChain().readable(header(13, 0)).writable(1)));
        assertRefused(Reason.SEGMENT_COUNT, parse(new ArrayChain().readable(header(13, 0)).readable(new byte[15])
                .writable(1)));
        BlkParsed flags = parse(new ArrayChain().readable(header(13, 0)).readable(segment(0, 1, 2)).writable(1));
        assertRefused(Reason.UNKNOWN_FLAGS, flags);
        assertEquals(BlkStatus.UNSUPP, ((BlkRefusal) flags).status());
        assertRefused(Reason.SEGMENT_TOO_LONG, parse(new ArrayChain().readable(header(13, 0))
                .readable(segment(0, (32 << 10) + 1, 0)).writable(1)));
        assertRefused(Reason.SEGMENT_TOO_LONG, parse(new ArrayChain().readable(header(13, 0))
                .readable(segment(0, -1, 0)).writable(1)));
        assertRefused(Reason.BEYOND_CAPACITY, parse(new ArrayChain().readable(header(13, 0))
                .readable(segment(CAPACITY - 7, 8, 0)).writable(1)));
    }

    /** The driver may rewrite the header while the device reads it: the device reads it once and uses that copy. */
    @Test
    void theHeaderIsReadOnce() {
        byte[] header = header(0, 4);
        int[] reads = { 0 };
        ArrayChain hostile = new ArrayChain() {
            @Override
            public void read(long offset, ByteBuffer dst) {
                reads[0]++;
                super.read(offset, dst);
                header[0] = 1; // now an OUT
                header[8] = (byte) 0xFF; // of a sector past the end
            }
        }.readable(header).writable(513);
        assertEquals(new BlkRequest(BlkRequestType.IN, 4, 512), parse(hostile));
        assertEquals(1, reads[0]);
    }

    @Test
    void everyReasonMapsToItsStatus() {
        for (Reason r : Reason.values()) {
            BlkStatus s = new BlkRefusal(r, null).status();
            switch (r) {
                case NO_STATUS_BYTE -> assertNull(s);
                case UNSUPPORTED_TYPE, UNKNOWN_FLAGS -> assertEquals(BlkStatus.UNSUPP, s, r.name());
                default -> assertEquals(BlkStatus.IOERR, s, r.name());
            }
        }
    }
}
