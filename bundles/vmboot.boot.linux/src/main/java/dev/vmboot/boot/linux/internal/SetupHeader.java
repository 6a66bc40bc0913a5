package dev.vmboot.boot.linux.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import dev.vmboot.api.boot.BootException;

/**
 * The real-mode kernel header of a bzImage (Documentation/arch/x86/boot.rst, "The Real-Mode Kernel Header"), fields
 * at their offsets in the image file. Only images a 32/64-bit boot loader can start are accepted: boot protocol
 * 2.06 or later (cmdline_size), LOADED_HIGH (a bzImage), and a protected-mode part inside the file.
 *
 * @param raw             the setup header bytes, [0x1F1, 0x202 + byte at 0x201), copied into the zero page
 * @param setupSects      setup_sects (0 means 4)
 * @param syssize         syssize, in 16-byte paragraphs
 * @param version         boot protocol version, e.g. 0x020F
 * @param loadflags       loadflags
 * @param code32Start     code32_start
 * @param initrdAddrMax   initrd_addr_max: highest address the initrd may occupy
 * @param kernelAlignment kernel_alignment (2.05+)
 * @param relocatable     relocatable_kernel (2.05+)
 * @param xloadflags      xloadflags (2.12+, else 0)
 * @param cmdlineSize     cmdline_size: longest command line without the NUL
 * @param prefAddress     pref_address (2.10+, else 0)
 * @param initSize        init_size (2.10+, else 0): memory the kernel needs from its load address
 */
record SetupHeader(byte[] raw, int setupSects, long syssize, int version, int loadflags, long code32Start,
        long initrdAddrMax, long kernelAlignment, boolean relocatable, int xloadflags, long cmdlineSize,
        long prefAddress, long initSize) {

    /** boot.rst: the setup header starts at 0x1F1 (setup_sects) in the file and in boot_params. */
    static final int OFFSET = 0x1F1;
    static final int BOOT_FLAG_OFFSET = 0x1FE;
    static final int JUMP_OFFSET = 0x200;
    static final int HEADER_OFFSET = 0x202;
    static final int VERSION_OFFSET = 0x206;
    static final int TYPE_OF_LOADER_OFFSET = 0x210;
    static final int LOADFLAGS_OFFSET = 0x211;
    static final int CODE32_START_OFFSET = 0x214;
    static final int RAMDISK_IMAGE_OFFSET = 0x218;
    static final int RAMDISK_SIZE_OFFSET = 0x21C;
    static final int CMD_LINE_PTR_OFFSET = 0x228;
    static final int INITRD_ADDR_MAX_OFFSET = 0x22C;
    static final int KERNEL_ALIGNMENT_OFFSET = 0x230;
    static final int RELOCATABLE_OFFSET = 0x234;
    static final int XLOADFLAGS_OFFSET = 0x236;
    static final int CMDLINE_SIZE_OFFSET = 0x238;
    static final int PREF_ADDRESS_OFFSET = 0x258;
    static final int INIT_SIZE_OFFSET = 0x260;
    /** "HdrS" as a little-endian 32-bit value. */
    static final int HDRS_MAGIC = 0x5372_6448;
    static final int BOOT_FLAG = 0xAA55;
    static final int MIN_VERSION = 0x0206;
    /** loadflags bit 0: the protected-mode code is loaded at 0x100000 (a bzImage). */
    static final int LOADED_HIGH = 0x01;
    /** xloadflags bit 0: the kernel has the legacy 64-bit entry point at 0x200. */
    static final int XLF_KERNEL_64 = 0x01;
    /** setup_sects 0 means 4 (boot.rst, "setup_sects"). */
    private static final int DEFAULT_SETUP_SECTS = 4;

    /** Whether {@code image} has "HdrS" at 0x202. */
    static boolean hasMagic(ByteBuffer image) {
        return image.capacity() >= HEADER_OFFSET + 4
                && image.duplicate().order(ByteOrder.LITTLE_ENDIAN).getInt(HEADER_OFFSET) == HDRS_MAGIC;
    }

    static SetupHeader parse(ByteBuffer image) throws BootException {
        ByteBuffer b = image.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        long size = b.capacity();
        if (!hasMagic(b)) {
            throw new BootException("not a bzImage: no \"HdrS\" setup header signature at 0x202");
        }
        int headerEnd = HEADER_OFFSET + Byte.toUnsignedInt(b.get(JUMP_OFFSET + 1));
        if (headerEnd < CMDLINE_SIZE_OFFSET + 4) {
            throw new BootException(String.format("setup header ends at 0x%x, before cmdline_size (protocol 2.06)",
                    headerEnd));
        }
        if (size < headerEnd) {
            throw new BootException(String.format("setup header truncated: it ends at 0x%x, the file at 0x%x",
                    headerEnd, size));
        }
        int version = Short.toUnsignedInt(b.getShort(VERSION_OFFSET));
        if (version < MIN_VERSION) {
            throw new BootException(String.format("boot protocol %d.%02d is older than 2.06", version >> 8,
                    version & 0xFF));
        }
        if (Short.toUnsignedInt(b.getShort(BOOT_FLAG_OFFSET)) != BOOT_FLAG) {
            throw new BootException(String.format("boot_flag is 0x%04x, not 0xAA55",
                    Short.toUnsignedInt(b.getShort(BOOT_FLAG_OFFSET))));
        }
        int setupSects = Byte.toUnsignedInt(b.get(OFFSET));
        if (setupSects == 0) {
            setupSects = DEFAULT_SETUP_SECTS;
        }
        long syssize = u32(b, 0x1F4);
        int loadflags = Byte.toUnsignedInt(b.get(LOADFLAGS_OFFSET));
        if ((loadflags & LOADED_HIGH) == 0) {
            throw new BootException("loadflags lacks LOADED_HIGH: a zImage loaded at 0x10000 is not supported");
        }
        long setupBytes = (setupSects + 1L) * 512;
        if (setupBytes >= size) {
            throw new BootException(String.format("setup_sects %d puts the protected-mode kernel at 0x%x, past the "
                    + "end of the %d-byte file", setupSects, setupBytes, size));
        }
        if (syssize * 16 > size - setupBytes) {
            throw new BootException(String.format("syssize 0x%x (x16 bytes) is larger than the %d bytes after the "
                    + "setup code", syssize, size - setupBytes));
        }
        long code32Start = u32(b, CODE32_START_OFFSET);
        long initrdAddrMax = u32(b, INITRD_ADDR_MAX_OFFSET);
        long kernelAlignment = version >= 0x0205 ? u32(b, KERNEL_ALIGNMENT_OFFSET) : 0;
        boolean relocatable = version >= 0x0205 && b.get(RELOCATABLE_OFFSET) != 0;
        int xloadflags = version >= 0x020C && headerEnd >= XLOADFLAGS_OFFSET + 2
                ? Short.toUnsignedInt(b.getShort(XLOADFLAGS_OFFSET)) : 0;
        long cmdlineSize = u32(b, CMDLINE_SIZE_OFFSET);
        boolean has210 = version >= 0x020A && headerEnd >= INIT_SIZE_OFFSET + 4;
        long prefAddress = has210 ? b.getLong(PREF_ADDRESS_OFFSET) : 0;
        long initSize = has210 ? u32(b, INIT_SIZE_OFFSET) : 0;
        byte[] raw = new byte[headerEnd - OFFSET];
        b.get(OFFSET, raw);
        return new SetupHeader(raw, setupSects, syssize, version, loadflags, code32Start, initrdAddrMax,
                kernelAlignment, relocatable, xloadflags, cmdlineSize, prefAddress, initSize);
    }

    /** File offset of the protected-mode kernel: after the boot sector and setup_sects sectors. */
    long protectedModeOffset() {
        return (setupSects + 1L) * 512;
    }

    boolean has64BitEntry() {
        return (xloadflags & XLF_KERNEL_64) != 0;
    }

    private static long u32(ByteBuffer b, int at) {
        return Integer.toUnsignedLong(b.getInt(at));
    }
}
