package dev.vmboot.virtio.blk.internal;

/**
 * A chain this device does not carry out, and why; {@link #status()} is what the driver reads.
 *
 * @param reason why
 * @param type   the request's type, or null when the header was missing or of a type this device does not know
 */
record BlkRefusal(Reason reason, BlkRequestType type) implements BlkParsed {

    /** The status to write, or null when there is no writable byte to write it to. */
    BlkStatus status() {
        return reason.status;
    }

    /** Why a chain is refused; counters are kept per reason. */
    enum Reason {
        /** No device-writable byte: the head goes back with length 0 and nothing written. */
        NO_STATUS_BYTE(null),
        /** Fewer than 16 readable bytes. */
        HEADER_TOO_SHORT(BlkStatus.IOERR),
        /** A type this device does not know, or DISCARD, which it does not offer. */
        UNSUPPORTED_TYPE(BlkStatus.UNSUPP),
        /** A write (OUT, DISCARD, WRITE_ZEROES) to a read-only device (virtio 1.2, 5.2.6.2). */
        READ_ONLY(BlkStatus.IOERR),
        /**
         * Data in the wrong direction: readable bytes after the header of IN or GET_ID, or writable bytes before the
         * status of OUT or WRITE_ZEROES.
         */
        DATA_DIRECTION(BlkStatus.IOERR),
        /** IN or OUT data that is not a whole number of sectors (5.2.6.1). */
        PARTIAL_SECTOR(BlkStatus.IOERR),
        /** Sectors past {@code capacity} (5.2.6.1: "A driver MUST NOT submit a request which would cause a read or
         * write beyond capacity"). */
        BEYOND_CAPACITY(BlkStatus.IOERR),
        /** Write-zeroes data that is not 1 to {@code max_write_zeroes_seg} whole segments (5.2.6.1). */
        SEGMENT_COUNT(BlkStatus.IOERR),
        /** A write-zeroes segment of more than {@code max_write_zeroes_sectors}. */
        SEGMENT_TOO_LONG(BlkStatus.IOERR),
        /**
         * A write-zeroes flag other than {@code unmap}: "the device MUST set the status byte to VIRTIO_BLK_S_UNSUPP
         * for discard, secure erase and write zeroes commands if any unknown flag is set" (5.2.6.2).
         */
        UNKNOWN_FLAGS(BlkStatus.UNSUPP);

        private final BlkStatus status;

        Reason(BlkStatus status) {
            this.status = status;
        }
    }
}
