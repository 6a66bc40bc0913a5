package dev.vmboot.virtio;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;


/**
 * One descriptor table entry exactly as the driver wrote it: {@code struct virtq_desc} of virtio 1.2, 2.7.5 "The
 * Virtqueue Descriptor Table", 16 bytes, little-endian. Nothing here is checked yet: the chain walker copies each
 * entry out of guest memory once with {@link #read} and then checks only the copy, so a driver that rewrites the entry
 * meanwhile changes nothing the device sees.
 *
 * @param address guest physical address of the buffer (or of an indirect table), any 64-bit value
 * @param length  the buffer's length, an unsigned 32-bit value held in an int
 * @param flags   {@link #F_NEXT}, {@link #F_WRITE}, {@link #F_INDIRECT}, or anything else a driver wrote
 * @param next    the index of the next descriptor, an unsigned 16-bit value, meaningful with {@link #F_NEXT}
 */
record RawDescriptor(long address, int length, int flags, int next) {

    /** Bytes of one entry: le64 addr, le32 len, le16 flags, le16 next. */
    static final int BYTES = 16;

    // virtio 1.2, 2.7.5 "The Virtqueue Descriptor Table": flags
    /** VIRTQ_DESC_F_NEXT: the buffer continues via the next field. */
    static final int F_NEXT = 1;
    /** VIRTQ_DESC_F_WRITE: the buffer is device write-only (otherwise device read-only). */
    static final int F_WRITE = 2;
    /** VIRTQ_DESC_F_INDIRECT: the buffer holds a table of descriptors (2.7.5.3 "Indirect Descriptors"). */
    static final int F_INDIRECT = 4;

    private static final VarHandle LE64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LE32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LE16 = MethodHandles.byteArrayViewVarHandle(short[].class,
            ByteOrder.LITTLE_ENDIAN);

    /** Decodes the 16 bytes of a descriptor, {@code struct virtq_desc}, copied into {@code bytes}. */
    static RawDescriptor decode(byte[] scratch) {
        return new RawDescriptor((long) LE64.get(scratch, 0), (int) LE32.get(scratch, 8),
                Short.toUnsignedInt((short) LE16.get(scratch, 12)), Short.toUnsignedInt((short) LE16.get(scratch, 14)));
    }

    /** The length as the unsigned number of bytes it is. */
    long unsignedLength() {
        return Integer.toUnsignedLong(length);
    }

    boolean hasNext() {
        return (flags & F_NEXT) != 0;
    }

    boolean deviceWritable() {
        return (flags & F_WRITE) != 0;
    }

    boolean indirect() {
        return (flags & F_INDIRECT) != 0;
    }
}
