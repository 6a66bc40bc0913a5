package dev.vmboot.virtio.blk.internal;

/** The request's final status byte (virtio 1.2, 5.2.6 "Device Operation", {@code VIRTIO_BLK_S_*}). */
enum BlkStatus {
    OK(0),
    /** A device or driver error. */
    IOERR(1),
    /** A request the device does not support. */
    UNSUPP(2);

    private final byte code;

    BlkStatus(int code) {
        this.code = (byte) code;
    }

    byte code() {
        return code;
    }
}
