package dev.vmboot.acpi;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Builds a resource template (ACPI 6.5, 6.4 "Resource Data Types for ACPI"): small and large resource descriptors
 * ended by an End Tag whose checksum makes the whole template sum to zero. {@link #toAml()} wraps it in a Buffer, as
 * the ASL {@code ResourceTemplate()} macro does.
 */
public final class ResourceTemplate {

    // 6.4.2 Small Resource Data Type: tag byte = item name << 3 | length
    private static final int SMALL_IRQ = 0x04;
    private static final int SMALL_IO = 0x08;
    private static final int SMALL_END_TAG = 0x0F;
    // 6.4.3 Large Resource Data Type: tag byte = 0x80 | item name
    private static final int LARGE_MEMORY32_FIXED = 0x86;
    private static final int LARGE_DWORD_ADDRESS = 0x87;
    private static final int LARGE_WORD_ADDRESS = 0x88;
    private static final int LARGE_EXTENDED_IRQ = 0x89;
    private static final int LARGE_QWORD_ADDRESS = 0x8A;
    // 6.4.3.5 Address Space Resource Descriptors: Resource Type
    private static final int TYPE_MEMORY = 0;
    private static final int TYPE_IO = 1;
    private static final int TYPE_BUS_NUMBER = 2;
    // General Flags: bit 0 consumer, bit 1 subtractive decode, bit 2 min fixed, bit 3 max fixed
    private static final int GENERAL_CONSUMER = 0x01;
    private static final int GENERAL_MIN_FIXED = 0x04;
    private static final int GENERAL_MAX_FIXED = 0x08;
    /** I/O type-specific flags (Table 6.51): bits 1:0 _RNG = 3, entire range. */
    private static final int IO_ENTIRE_RANGE = 0x03;
    /** Memory type-specific flags (Table 6.50): bit 0 _RW read-write; bits 2:1 _MEM 0 = non-cacheable. */
    private static final int MEMORY_READ_WRITE = 0x01;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** IO (6.4.2.5, I/O Port Descriptor, 8 bytes): Decode16 when {@code decode16}, else 10-bit decode. */
    public ResourceTemplate io(boolean decode16, int min, int max, int alignment, int length) {
        checkRange(min, 0xFFFF, "I/O minimum");
        checkRange(max, 0xFFFF, "I/O maximum");
        checkRange(alignment, 0xFF, "I/O alignment");
        checkRange(length, 0xFF, "I/O length");
        ByteBuffer b = small(SMALL_IO, 7);
        b.put((byte) (decode16 ? 1 : 0)).putShort((short) min).putShort((short) max).put((byte) alignment)
                .put((byte) length);
        return append(b);
    }

    /**
     * IRQNoFlags() {irq} (6.4.2.1, IRQ Descriptor, length 2): ISA edge-triggered, active-high, exclusive.
     */
    public ResourceTemplate irqNoFlags(int irq) {
        checkRange(irq, 15, "ISA IRQ");
        ByteBuffer b = small(SMALL_IRQ, 2);
        b.putShort((short) (1 << irq));
        return append(b);
    }

    /**
     * Interrupt(ResourceConsumer, ...) {gsi} (6.4.3.6, Extended Interrupt Descriptor, one interrupt). Flags: bit 0
     * consumer, bit 1 edge (else level), bit 2 active-low, bit 3 shared.
     */
    public ResourceTemplate interrupt(boolean edge, boolean activeLow, boolean shared, int gsi) {
        int flags = GENERAL_CONSUMER | (edge ? 0x02 : 0) | (activeLow ? 0x04 : 0) | (shared ? 0x08 : 0);
        ByteBuffer b = large(LARGE_EXTENDED_IRQ, 6);
        b.put((byte) flags).put((byte) 1).putInt(gsi);
        return append(b);
    }

    /** Memory32Fixed(ReadWrite, base, length) (6.4.3.4, 32-bit Fixed Memory Range Descriptor). */
    public ResourceTemplate memory32Fixed(long base, long length) {
        checkRange(base, 0xFFFF_FFFFL, "memory base");
        checkRange(length, 0xFFFF_FFFFL, "memory length");
        ByteBuffer b = large(LARGE_MEMORY32_FIXED, 9);
        b.put((byte) MEMORY_READ_WRITE).putInt((int) base).putInt((int) length);
        return append(b);
    }

    /** WordBusNumber(ResourceProducer, MinFixed, MaxFixed, PosDecode, 0, min, max, 0, count) (6.4.3.5.3). */
    public ResourceTemplate wordBusNumber(int min, int max) {
        return word(TYPE_BUS_NUMBER, 0, min, max);
    }

    /** WordIO(ResourceProducer, MinFixed, MaxFixed, PosDecode, EntireRange, 0, min, max, 0, length) (6.4.3.5.3). */
    public ResourceTemplate wordIo(int min, int max) {
        return word(TYPE_IO, IO_ENTIRE_RANGE, min, max);
    }

    private ResourceTemplate word(int type, int typeFlags, int min, int max) {
        checkRange(min, 0xFFFF, "minimum");
        checkRange(max, 0xFFFF, "maximum");
        if (max < min) {
            throw new IllegalArgumentException("maximum below minimum");
        }
        ByteBuffer b = large(LARGE_WORD_ADDRESS, 13);
        b.put((byte) type).put((byte) (GENERAL_MIN_FIXED | GENERAL_MAX_FIXED)).put((byte) typeFlags);
        b.putShort((short) 0).putShort((short) min).putShort((short) max).putShort((short) 0)
                .putShort((short) (max - min + 1));
        return append(b);
    }

    /**
     * DWordMemory(ResourceProducer, PosDecode, MinFixed, MaxFixed, NonCacheable, ReadWrite, 0, min, max, 0, length)
     * (6.4.3.5.2), {@code max} inclusive.
     */
    public ResourceTemplate dwordMemory(long min, long max) {
        checkRange(min, 0xFFFF_FFFFL, "minimum");
        checkRange(max, 0xFFFF_FFFFL, "maximum");
        if (max < min) {
            throw new IllegalArgumentException("maximum below minimum");
        }
        ByteBuffer b = large(LARGE_DWORD_ADDRESS, 23);
        b.put((byte) TYPE_MEMORY).put((byte) (GENERAL_MIN_FIXED | GENERAL_MAX_FIXED)).put((byte) MEMORY_READ_WRITE);
        b.putInt(0).putInt((int) min).putInt((int) max).putInt(0).putInt((int) (max - min + 1));
        return append(b);
    }

    /**
     * QWordMemory(ResourceProducer, PosDecode, MinFixed, MaxFixed, NonCacheable, ReadWrite, 0, min, max, 0, length)
     * (6.4.3.5.1), {@code max} inclusive.
     */
    public ResourceTemplate qwordMemory(long min, long max) {
        if (min < 0 || max < min) {
            throw new IllegalArgumentException("bad 64-bit memory range");
        }
        ByteBuffer b = large(LARGE_QWORD_ADDRESS, 43);
        b.put((byte) TYPE_MEMORY).put((byte) (GENERAL_MIN_FIXED | GENERAL_MAX_FIXED)).put((byte) MEMORY_READ_WRITE);
        b.putLong(0).putLong(min).putLong(max).putLong(0).putLong(max - min + 1);
        return append(b);
    }

    /** The descriptors followed by the End Tag (6.4.2.9: 0x79, then a checksum byte making the sum zero). */
    public byte[] toBytes() {
        byte[] body = out.toByteArray();
        byte[] r = new byte[body.length + 2];
        System.arraycopy(body, 0, r, 0, body.length);
        r[body.length] = (byte) (SMALL_END_TAG << 3 | 1);
        r[body.length + 1] = SdtHeader.checksumFor(r, 0, body.length + 1);
        return r;
    }

    /** The template as an AML Buffer object, ready for {@code Name(_CRS, ...)}. */
    public byte[] toAml() {
        return Aml.buffer(toBytes());
    }

    private static ByteBuffer small(int item, int length) {
        ByteBuffer b = ByteBuffer.allocate(1 + length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) (item << 3 | length));
        return b;
    }

    private static ByteBuffer large(int tag, int length) {
        ByteBuffer b = ByteBuffer.allocate(3 + length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) tag).putShort((short) length);
        return b;
    }

    private ResourceTemplate append(ByteBuffer b) {
        out.writeBytes(b.array());
        return this;
    }

    private static void checkRange(long v, long max, String what) {
        if (v < 0 || v > max) {
            throw new IllegalArgumentException(what + " out of range: 0x" + Long.toHexString(v));
        }
    }
}
