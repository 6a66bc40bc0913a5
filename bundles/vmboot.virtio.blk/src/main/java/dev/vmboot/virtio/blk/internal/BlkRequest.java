package dev.vmboot.virtio.blk.internal;

import static dev.vmboot.virtio.blk.internal.BlkRequestType.HEADER_BYTES;
import static dev.vmboot.virtio.blk.internal.BlkRequestType.ID_BYTES;
import static dev.vmboot.virtio.blk.internal.BlkRequestType.SECTOR_SHIFT;
import static dev.vmboot.virtio.blk.internal.BlkRequestType.SECTOR_SIZE;
import static dev.vmboot.virtio.blk.internal.BlkRequestType.SEGMENT_BYTES;
import static dev.vmboot.virtio.blk.internal.BlkRequestType.SEGMENT_FLAG_UNMAP;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import dev.vmboot.api.virtio.DescriptorChain;
import dev.vmboot.virtio.blk.internal.BlkRefusal.Reason;

/**
 * A checked virtio-blk request (virtio 1.2, 5.2.6): do {@code type} on the {@code length} bytes of the disk from
 * sector {@code sector}. The chain's layout is {@code struct virtio_blk_req}: the 16-byte header at the start of the
 * readable bytes, the status byte as the last writable byte, the data between them, readable for OUT and
 * WRITE_ZEROES (after the header), writable for IN and GET_ID (before the status).
 *
 * @param type   what to do
 * @param sector the first sector (IN, OUT, WRITE_ZEROES; 0 otherwise)
 * @param length bytes of data: read or written (IN, OUT), zeroed (WRITE_ZEROES), of the ID to copy (GET_ID, at most
 *               20: a shorter buffer gets the ID's start), 0 for FLUSH
 */
record BlkRequest(BlkRequestType type, long sector, long length) implements BlkParsed {

    /** The byte offset of {@link #sector} on the disk. */
    long position() {
        return sector << SECTOR_SHIFT;
    }

    /**
     * Reads the header (once, into a local copy: the driver may change guest memory meanwhile) and checks the chain
     * against the disk.
     *
     * @param config   the disk's capacity and the write-zeroes limits offered
     * @param readOnly whether VIRTIO_BLK_F_RO is offered
     * @throws dev.vmboot.api.memory.GuestMemoryException if the chain's memory cannot be read after all
     */
    static BlkParsed parse(DescriptorChain chain, BlkConfig config, boolean readOnly) {
        long capacitySectors = config.capacitySectors();
        long readable = chain.readableBytes();
        long writable = chain.writableBytes();
        if (writable < 1) {
            return new BlkRefusal(Reason.NO_STATUS_BYTE, null);
        }
        if (readable < HEADER_BYTES) {
            return new BlkRefusal(Reason.HEADER_TOO_SHORT, null);
        }
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        chain.read(0, header);
        BlkRequestType type = BlkRequestType.of(header.getInt(0));
        long sector = header.getLong(8);
        if (type == null) {
            return new BlkRefusal(Reason.UNSUPPORTED_TYPE, null);
        }
        // 5.2.6.2: "A device MUST set the status byte to VIRTIO_BLK_S_IOERR for a write request if the
        // VIRTIO_BLK_F_RO feature if offered, and MUST NOT write any data."
        if (type.writes() && readOnly) {
            return new BlkRefusal(Reason.READ_ONLY, type);
        }
        long dataIn = writable - 1;
        long dataOut = readable - HEADER_BYTES;
        return switch (type) {
            case IN -> dataOut != 0 ? new BlkRefusal(Reason.DATA_DIRECTION, type)
                    : sectors(type, sector, dataIn, capacitySectors);
            case OUT -> dataIn != 0 ? new BlkRefusal(Reason.DATA_DIRECTION, type)
                    : sectors(type, sector, dataOut, capacitySectors);
            // 5.2.6.1: sector MUST be 0 and there SHOULD be no data; neither matters to a flush
            case FLUSH -> new BlkRequest(type, 0, 0);
            case GET_ID -> dataOut != 0 ? new BlkRefusal(Reason.DATA_DIRECTION, type)
                    : new BlkRequest(type, 0, Math.min(ID_BYTES, dataIn));
            case WRITE_ZEROES -> dataIn != 0 ? new BlkRefusal(Reason.DATA_DIRECTION, type)
                    : writeZeroes(chain, dataOut, config);
            // not offered: deallocating is only a MAY (5.2.6.2), and plain Java cannot punch holes in a file
            case DISCARD -> new BlkRefusal(Reason.UNSUPPORTED_TYPE, type);
        };
    }

    /** IN and OUT: whole sectors, all below capacity (5.2.6.1). */
    private static BlkParsed sectors(BlkRequestType type, long sector, long length, long capacitySectors) {
        if (length % SECTOR_SIZE != 0) {
            return new BlkRefusal(Reason.PARTIAL_SECTOR, type);
        }
        if (!inside(sector, length >>> SECTOR_SHIFT, capacitySectors)) {
            return new BlkRefusal(Reason.BEYOND_CAPACITY, type);
        }
        return new BlkRequest(type, sector, length);
    }

    /** One segment (CH and Linux send one; {@code max_write_zeroes_seg} says so), read once and checked. */
    private static BlkParsed writeZeroes(DescriptorChain chain, long dataBytes, BlkConfig config) {
        if (dataBytes == 0 || dataBytes % SEGMENT_BYTES != 0
                || dataBytes / SEGMENT_BYTES > config.maxWriteZeroesSeg()) {
            return new BlkRefusal(Reason.SEGMENT_COUNT, BlkRequestType.WRITE_ZEROES);
        }
        ByteBuffer segment = ByteBuffer.allocate(SEGMENT_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        chain.read(HEADER_BYTES, segment);
        long sector = segment.getLong(0);
        long sectors = Integer.toUnsignedLong(segment.getInt(8));
        int flags = segment.getInt(12);
        if ((flags & ~SEGMENT_FLAG_UNMAP) != 0) {
            return new BlkRefusal(Reason.UNKNOWN_FLAGS, BlkRequestType.WRITE_ZEROES);
        }
        if (sectors > Integer.toUnsignedLong(config.maxWriteZeroesSectors())) {
            return new BlkRefusal(Reason.SEGMENT_TOO_LONG, BlkRequestType.WRITE_ZEROES);
        }
        if (!inside(sector, sectors, config.capacitySectors())) {
            return new BlkRefusal(Reason.BEYOND_CAPACITY, BlkRequestType.WRITE_ZEROES);
        }
        return new BlkRequest(BlkRequestType.WRITE_ZEROES, sector, sectors << SECTOR_SHIFT);
    }

    /** Whether {@code [sector, sector + count)} lies below {@code capacity}, all unsigned, without overflow. */
    static boolean inside(long sector, long count, long capacity) {
        return Long.compareUnsigned(sector, capacity) <= 0 && Long.compareUnsigned(count, capacity - sector) <= 0;
    }
}
