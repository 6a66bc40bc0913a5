package dev.vmboot.testkit;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Builds bzImage-shaped files for the boot protocol tests: a boot sector holding a well-formed setup header
 * (Documentation/arch/x86/boot.rst, "The Real-Mode Kernel Header"; the header ends at 0x26C, as in protocol 2.15),
 * {@code setupSects} setup sectors, then a recognisable protected-mode "kernel", optionally with a payload in it.
 * The offsets are written out here, independently of the parser under test. Set the fields, then {@link #build()}.
 */
public final class TestBzImage {
    /** boot.rst loadflags bit 0, LOADED_HIGH: a bzImage. */
    public static final int LOADED_HIGH = 0x01;
    /** boot.rst xloadflags bit 0, XLF_KERNEL_64: the 64-bit entry point at 0x200 exists. */
    public static final int XLF_KERNEL_64 = 0x01;
    /** "HdrS" read as a little-endian 32-bit value. */
    public static final int HDRS_MAGIC = 0x5372_6448;
    /** Where this builder's setup header ends: 0x202 plus the jump's displacement byte at 0x201. */
    public static final int HEADER_END = 0x26C;

    /** setup_sects as written (0 means 4 to the boot loader). */
    public int setupSects = 4;
    public int version = 0x020F;
    public int loadflags = LOADED_HIGH;
    public boolean relocatable = true;
    public long kernelAlignment = 0x20_0000;
    public int xloadflags = XLF_KERNEL_64;
    public long cmdlineSize = 0x7FF;
    public long initrdAddrMax = 0x7FFF_FFFFL;
    public long prefAddress = 0x100_0000;
    public long initSize = 0x40_0000;
    /**
     * Size of the protected-mode code after the setup sectors. syssize counts it in whole 16-byte paragraphs, and
     * the file is padded with zeros to their end, as arch/x86/boot/tools/build.c pads it.
     */
    public int kernelBytes = 0x3000;
    /** When set, placed {@link #payloadOffset} bytes into the protected-mode part and named by the header. */
    public byte[] payload;
    public int payloadOffset;

    /** The protected-mode part as {@link #build()} lays it out after the setup sectors. */
    public byte[] kernel() {
        byte[] k = new byte[kernelBytes];
        for (int i = 0; i < k.length; i++) {
            k[i] = (byte) (i * 13 + 1);
        }
        if (payload != null) {
            if (payloadOffset < 0 || payloadOffset + (long) payload.length > kernelBytes) {
                throw new IllegalArgumentException("the payload does not fit in the " + kernelBytes
                        + " kernel bytes");
            }
            System.arraycopy(payload, 0, k, payloadOffset, payload.length);
        }
        return k;
    }

    /** Offset of the protected-mode part in the file: the boot sector and the setup sectors before it. */
    public int kernelOffset() {
        return ((setupSects == 0 ? 4 : setupSects) + 1) * 512;
    }

    public byte[] build() {
        int setup = kernelOffset();
        int syssize = (kernelBytes + 15) / 16;
        ByteBuffer b = ByteBuffer.allocate(setup + syssize * 16).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0x1F1, (byte) setupSects);
        b.putInt(0x1F4, syssize); // in 16-byte paragraphs
        b.putShort(0x1FE, (short) 0xAA55); // boot_flag
        b.put(0x200, (byte) 0xEB).put(0x201, (byte) (HEADER_END - 0x202)); // jmp over the header
        b.putInt(0x202, HDRS_MAGIC);
        b.putShort(0x206, (short) version);
        b.put(0x211, (byte) loadflags);
        b.putInt(0x214, 0x10_0000); // code32_start
        b.putInt(0x22C, (int) initrdAddrMax);
        b.putInt(0x230, (int) kernelAlignment);
        b.put(0x234, (byte) (relocatable ? 1 : 0));
        b.put(0x235, (byte) 21); // min_alignment: 2 MiB
        b.putShort(0x236, (short) xloadflags);
        b.putInt(0x238, (int) cmdlineSize);
        if (payload != null) {
            b.putInt(0x248, payloadOffset); // payload_offset, from the protected-mode code
            b.putInt(0x24C, payload.length); // payload_length
        }
        b.putLong(0x258, prefAddress);
        b.putInt(0x260, (int) initSize);
        b.put(setup, kernel());
        return b.array();
    }
}
