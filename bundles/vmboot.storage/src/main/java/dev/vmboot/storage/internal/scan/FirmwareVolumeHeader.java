package dev.vmboot.storage.internal.scan;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;

/**
 * EFI_FIRMWARE_VOLUME_HEADER (UEFI Platform Initialization Specification 1.8, Vol. 3 §3.2.1): OVMF.fd,
 * OVMF_CODE.fd and OVMF_VARS.fd each start with one.
 *
 * @param length       FvLength, bytes of the volume
 * @param headerLength HeaderLength
 * @param revision     Revision (2 for PI 1.x)
 */
record FirmwareVolumeHeader(long length, int headerLength, int revision) {
    private static final int FV_LENGTH = 32;
    /** Signature "_FVH" at offset 40 (EFI_FVH_SIGNATURE). */
    private static final int SIGNATURE = 40;
    private static final int HEADER_LENGTH = 48;
    private static final int REVISION = 55;
    /** The fixed part up to and including the first EFI_FV_BLOCK_MAP_ENTRY terminator. */
    private static final int MIN_HEADER = 56;

    /**
     * Parses the header at the start of {@code head}: signature, a header length that is even and fits, a volume no
     * shorter than its header, and the 16-bit checksum over the header summing to zero.
     */
    static Optional<FirmwareVolumeHeader> parse(byte[] head) {
        if (head.length < MIN_HEADER || head[SIGNATURE] != '_' || head[SIGNATURE + 1] != 'F'
                || head[SIGNATURE + 2] != 'V' || head[SIGNATURE + 3] != 'H') {
            return Optional.empty();
        }
        ByteBuffer b = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
        int headerLength = Short.toUnsignedInt(b.getShort(HEADER_LENGTH));
        long length = b.getLong(FV_LENGTH);
        if (headerLength < MIN_HEADER || (headerLength & 1) != 0 || headerLength > head.length || length < headerLength) {
            return Optional.empty();
        }
        int sum = 0;
        for (int i = 0; i < headerLength; i += 2) {
            sum += Short.toUnsignedInt(b.getShort(i));
        }
        if ((sum & 0xFFFF) != 0) {
            return Optional.empty();
        }
        return Optional.of(new FirmwareVolumeHeader(length, headerLength, head[REVISION] & 0xFF));
    }
}
