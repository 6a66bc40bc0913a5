package dev.vmboot.virtio.blk.internal;

/**
 * The request types this device knows (virtio 1.2, 5.2.6 "Device Operation", {@code VIRTIO_BLK_T_*}). Any other
 * type (GET_LIFETIME, SECURE_ERASE, the zoned ones, legacy SCSI) is answered {@link BlkStatus#UNSUPP}.
 */
enum BlkRequestType {
    /** Read sectors into the writable data. */
    IN(0),
    /** Write the readable data to sectors. */
    OUT(1),
    /** Make completed writes stable. */
    FLUSH(4),
    /** Fetch the device ID string. */
    GET_ID(8),
    /** Let the device deallocate ranges; not offered here, so always refused. */
    DISCARD(11),
    /** Make ranges read as zeros. */
    WRITE_ZEROES(13);

    /** Requests address 512-byte sectors whatever {@code blk_size} says (5.2.4, 5.2.5). */
    static final int SECTOR_SIZE = 512;
    static final int SECTOR_SHIFT = 9;
    /** The device ID string: ASCII, NUL-padded, up to 20 bytes (5.2.6, VIRTIO_BLK_T_GET_ID). */
    static final int ID_BYTES = 20;
    /** {@code struct virtio_blk_req} before {@code data}: le32 type, le32 reserved, le64 sector (5.2.6). */
    static final int HEADER_BYTES = 16;
    /** {@code struct virtio_blk_discard_write_zeroes}: le64 sector, le32 num_sectors, le32 flags (5.2.6). */
    static final int SEGMENT_BYTES = 16;
    /** The only flag a write-zeroes segment may carry (5.2.6); the device MAY deallocate, reads return zeros. */
    static final int SEGMENT_FLAG_UNMAP = 1;

    /** {@link #values()} once: it makes a new array on every call, and {@link #of} runs once per request. */
    private static final BlkRequestType[] ALL = values();

    private final int code;

    BlkRequestType(int code) {
        this.code = code;
    }

    int code() {
        return code;
    }

    /** Whether the request changes the disk: what a read-only device refuses with IOERR (5.2.6.2). */
    boolean writes() {
        return this == OUT || this == DISCARD || this == WRITE_ZEROES;
    }

    /** The type of {@code code} (the header's le32, unsigned), or null when this device does not know it. */
    static BlkRequestType of(int code) {
        for (BlkRequestType t : ALL) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }
}
