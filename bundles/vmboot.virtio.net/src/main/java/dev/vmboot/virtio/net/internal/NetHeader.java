package dev.vmboot.virtio.net.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * {@code struct virtio_net_hdr} as a VERSION_1 device and driver exchange it (virtio 1.2, 5.1.6): the 12 bytes before
 * every frame on both queues, and, with IFF_VNET_HDR and TUNSETVNETHDRSZ 12, on the TAP too (the tap writes the
 * first 10 and leaves {@code num_buffers} alone).
 *
 * @param flags      NEEDS_CSUM, DATA_VALID, RSC_INFO
 * @param gsoType    NONE, TCPV4, UDP, TCPV6, with the ECN bit
 * @param hdrLen     header bytes of a segmentation request (a hint)
 * @param gsoSize    segment size of a segmentation request
 * @param csumStart  where the checksummed part starts
 * @param csumOffset where in it the checksum goes
 * @param numBuffers receive buffers the packet takes (MRG_RXBUF); 0 on transmit
 */
record NetHeader(int flags, int gsoType, int hdrLen, int gsoSize, int csumStart, int csumOffset, int numBuffers) {
    /** Bytes of the header with VERSION_1 (5.1.6: num_buffers is always there). */
    static final int BYTES = 12;
    /** Offset of {@code num_buffers}. */
    static final int NUM_BUFFERS_OFFSET = 10;

    // virtio 1.2, 5.1.6: flags
    static final int F_NEEDS_CSUM = 1;
    static final int F_DATA_VALID = 2;
    static final int F_RSC_INFO = 4;
    // virtio 1.2, 5.1.6: gso_type
    static final int GSO_NONE = 0;
    static final int GSO_TCPV4 = 1;
    static final int GSO_UDP = 3;
    static final int GSO_TCPV6 = 4;
    static final int GSO_ECN = 0x80;

    /** Reads a header from {@code bytes} at its position (12 bytes, little-endian); the position is not moved. */
    static NetHeader read(ByteBuffer bytes) {
        ByteBuffer b = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int at = b.position();
        return new NetHeader(Byte.toUnsignedInt(b.get(at)), Byte.toUnsignedInt(b.get(at + 1)),
                Short.toUnsignedInt(b.getShort(at + 2)), Short.toUnsignedInt(b.getShort(at + 4)),
                Short.toUnsignedInt(b.getShort(at + 6)), Short.toUnsignedInt(b.getShort(at + 8)),
                Short.toUnsignedInt(b.getShort(at + NUM_BUFFERS_OFFSET)));
    }

    /** Writes the header into {@code bytes} at its position (12 bytes, little-endian); the position is not moved. */
    void write(ByteBuffer bytes) {
        ByteBuffer b = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int at = b.position();
        b.put(at, (byte) flags).put(at + 1, (byte) gsoType).putShort(at + 2, (short) hdrLen)
                .putShort(at + 4, (short) gsoSize).putShort(at + 6, (short) csumStart)
                .putShort(at + 8, (short) csumOffset).putShort(at + NUM_BUFFERS_OFFSET, (short) numBuffers);
    }

    NetHeader withFlags(int newFlags) {
        return new NetHeader(newFlags, gsoType, hdrLen, gsoSize, csumStart, csumOffset, numBuffers);
    }

    NetHeader withNumBuffers(int n) {
        return new NetHeader(flags, gsoType, hdrLen, gsoSize, csumStart, csumOffset, n);
    }
}
