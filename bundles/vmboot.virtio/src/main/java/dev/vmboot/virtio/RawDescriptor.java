package dev.vmboot.virtio;

/**
 * The layout of one descriptor table entry, {@code struct virtq_desc} of virtio 1.2, 2.7.5 "The Virtqueue Descriptor
 * Table": 16 bytes, little-endian, read as two 64-bit words. The first word is {@code le64 addr}; the second holds
 * {@code le32 len}, {@code le16 flags} and {@code le16 next}, which the accessors here take apart. Nothing is checked:
 * the chain walker reads each entry's two words once and checks only those copies, so a driver that rewrites the entry
 * meanwhile changes nothing the device sees.
 */
final class RawDescriptor {

    /** Bytes of one entry: le64 addr, le32 len, le16 flags, le16 next. */
    static final int BYTES = 16;
    /** Offset of the second word (len, flags, next) in an entry. */
    static final int SECOND_WORD = 8;

    // virtio 1.2, 2.7.5 "The Virtqueue Descriptor Table": flags
    /** VIRTQ_DESC_F_NEXT: the buffer continues via the next field. */
    static final int F_NEXT = 1;
    /** VIRTQ_DESC_F_WRITE: the buffer is device write-only (otherwise device read-only). */
    static final int F_WRITE = 2;
    /** VIRTQ_DESC_F_INDIRECT: the buffer holds a table of descriptors (2.7.5.3 "Indirect Descriptors"). */
    static final int F_INDIRECT = 4;

    private RawDescriptor() {
    }

    /** {@code len} of the second word, as the unsigned 32-bit number of bytes it is. */
    static long length(long secondWord) {
        return secondWord & 0xFFFF_FFFFL;
    }

    /** {@code flags} of the second word: {@link #F_NEXT}, {@link #F_WRITE}, {@link #F_INDIRECT} or anything else. */
    static int flags(long secondWord) {
        return (int) (secondWord >>> 32) & 0xFFFF;
    }

    /** {@code next} of the second word, an unsigned 16-bit index, meaningful with {@link #F_NEXT}. */
    static int next(long secondWord) {
        return (int) (secondWord >>> 48);
    }
}
