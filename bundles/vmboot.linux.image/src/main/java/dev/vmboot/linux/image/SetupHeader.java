package dev.vmboot.linux.image;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import dev.vmboot.api.boot.BootException;

/**
 * The real-mode kernel header of a bzImage (Documentation/arch/x86/boot.rst, "The Real-Mode Kernel Header"): the
 * fields vmboot's boot protocols use, read from the image file, where they sit at the same offsets as in
 * {@code boot_params}. {@link #parse} accepts only images a 32/64-bit boot loader can start: boot protocol 2.06 or
 * later (cmdline_size), boot_flag 0xAA55, LOADED_HIGH (a bzImage), and the header, the setup code and the
 * protected-mode kernel (syssize) inside the file. A field newer than the image's protocol, or past the end of its
 * header, reads as 0.
 *
 * @param end             file offset just past the header: 0x202 plus the jump's displacement byte at 0x201
 * @param setupSects      setup_sects, with 0 read as 4
 * @param version         boot protocol version, e.g. 0x020F for 2.15
 * @param initrdAddrMax   initrd_addr_max: the highest address the initrd may occupy
 * @param kernelAlignment kernel_alignment (2.05+)
 * @param relocatable     relocatable_kernel (2.05+)
 * @param xloadflags      xloadflags (2.12+)
 * @param cmdlineSize     cmdline_size (2.06+): the longest command line without its NUL
 * @param payloadOffset   payload_offset (2.08+): where the compressed kernel starts, from the protected-mode code
 * @param payloadLength   payload_length (2.08+)
 * @param prefAddress     pref_address (2.10+): the preferred load address of a relocatable kernel
 * @param initSize        init_size (2.10+): the memory the kernel needs from its load address
 */
public record SetupHeader(int end, int setupSects, int version, long initrdAddrMax, long kernelAlignment,
        boolean relocatable, int xloadflags, long cmdlineSize, long payloadOffset, long payloadLength,
        long prefAddress, long initSize) {

    /** boot.rst: the header starts at 0x1F1 (setup_sects), in the file and in boot_params alike. */
    public static final int START = 0x1F1;
    // boot.rst "The Real-Mode Kernel Header": offsets in the file
    private static final int SETUP_SECTS_OFFSET = 0x1F1;
    private static final int SYSSIZE_OFFSET = 0x1F4;
    private static final int BOOT_FLAG_OFFSET = 0x1FE;
    private static final int JUMP_OFFSET = 0x200;
    private static final int HEADER_OFFSET = 0x202;
    private static final int VERSION_OFFSET = 0x206;
    private static final int LOADFLAGS_OFFSET = 0x211;
    private static final int INITRD_ADDR_MAX_OFFSET = 0x22C;
    private static final int KERNEL_ALIGNMENT_OFFSET = 0x230;
    private static final int RELOCATABLE_KERNEL_OFFSET = 0x234;
    private static final int XLOADFLAGS_OFFSET = 0x236;
    private static final int CMDLINE_SIZE_OFFSET = 0x238;
    private static final int PAYLOAD_OFFSET_OFFSET = 0x248;
    private static final int PAYLOAD_LENGTH_OFFSET = 0x24C;
    private static final int PREF_ADDRESS_OFFSET = 0x258;
    private static final int INIT_SIZE_OFFSET = 0x260;
    /** boot.rst header: "HdrS" as a little-endian 32-bit value. */
    private static final int HDRS_MAGIC = 0x5372_6448;
    /** boot.rst boot_flag. */
    private static final int BOOT_FLAG = 0xAA55;
    /** boot.rst: cmdline_size, the last field a 32/64-bit loader must read, came with protocol 2.06. */
    private static final int MIN_VERSION = 0x0206;
    /** boot.rst "Details of Header Fields": the versions that added payload_*, pref_address/init_size, xloadflags. */
    private static final int VERSION_PAYLOAD = 0x0208;
    private static final int VERSION_PREF_ADDRESS = 0x020A;
    private static final int VERSION_XLOADFLAGS = 0x020C;
    /** boot.rst loadflags bit 0, LOADED_HIGH: the protected-mode code is loaded at 0x100000 (a bzImage). */
    private static final int LOADED_HIGH = 0x01;
    /** boot.rst xloadflags bit 0, XLF_KERNEL_64: the kernel has the 64-bit entry point at 0x200. */
    private static final int XLF_KERNEL_64 = 0x01;
    /** boot.rst setup_sects: "If this field is 0, the real value is 4." */
    private static final int DEFAULT_SETUP_SECTS = 4;
    /** boot.rst: setup_sects counts 512-byte sectors after the boot sector. */
    private static final int SECTOR = 512;
    /** boot.rst syssize: the protected-mode code's size in 16-byte paragraphs. */
    private static final int PARAGRAPH = 16;

    /** Whether {@code image} has the "HdrS" signature at 0x202: a cheap test before {@link #parse}. */
    public static boolean hasMagic(ByteBuffer image) {
        return image.capacity() >= HEADER_OFFSET + 4
                && image.duplicate().order(ByteOrder.LITTLE_ENDIAN).getInt(HEADER_OFFSET) == HDRS_MAGIC;
    }

    /**
     * Reads and checks the setup header of the bzImage {@code image} (its whole capacity is the file).
     *
     * @throws BootException naming the field that makes the image one vmboot cannot start
     */
    public static SetupHeader parse(ByteBuffer image) throws BootException {
        ByteBuffer b = image.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        long size = b.capacity();
        if (!hasMagic(b)) {
            throw new BootException("not a Linux bzImage (no \"HdrS\" boot header at 0x202)");
        }
        int end = HEADER_OFFSET + Byte.toUnsignedInt(b.get(JUMP_OFFSET + 1));
        if (end < CMDLINE_SIZE_OFFSET + 4) {
            throw new BootException(String.format("setup header ends at 0x%x, before cmdline_size (protocol 2.06)",
                    end));
        }
        if (size < end) {
            throw new BootException(String.format("setup header truncated: it ends at 0x%x, the file at 0x%x",
                    end, size));
        }
        int version = Short.toUnsignedInt(b.getShort(VERSION_OFFSET));
        if (version < MIN_VERSION) {
            throw new BootException(String.format("boot protocol %s is older than 2.06", protocol(version)));
        }
        int bootFlag = Short.toUnsignedInt(b.getShort(BOOT_FLAG_OFFSET));
        if (bootFlag != BOOT_FLAG) {
            throw new BootException(String.format("boot_flag is 0x%04x, not 0xAA55", bootFlag));
        }
        if ((b.get(LOADFLAGS_OFFSET) & LOADED_HIGH) == 0) {
            throw new BootException("loadflags lacks LOADED_HIGH: a zImage loaded at 0x10000 is not supported");
        }
        int setupSects = Byte.toUnsignedInt(b.get(SETUP_SECTS_OFFSET));
        if (setupSects == 0) {
            setupSects = DEFAULT_SETUP_SECTS;
        }
        long setupBytes = protectedModeOffset(setupSects);
        if (setupBytes >= size) {
            throw new BootException(String.format("setup_sects %d puts the protected-mode kernel at 0x%x, past the "
                    + "end of the %d-byte file", setupSects, setupBytes, size));
        }
        long syssize = u32(b, SYSSIZE_OFFSET);
        if (syssize * PARAGRAPH > size - setupBytes) {
            throw new BootException(String.format("syssize 0x%x (x16 bytes) is larger than the %d bytes after the "
                    + "setup code", syssize, size - setupBytes));
        }
        boolean hasXloadflags = version >= VERSION_XLOADFLAGS && end >= XLOADFLAGS_OFFSET + 2;
        boolean hasPayload = version >= VERSION_PAYLOAD && end >= PAYLOAD_LENGTH_OFFSET + 4;
        boolean hasPrefAddress = version >= VERSION_PREF_ADDRESS && end >= INIT_SIZE_OFFSET + 4;
        return new SetupHeader(end, setupSects, version,
                u32(b, INITRD_ADDR_MAX_OFFSET),
                u32(b, KERNEL_ALIGNMENT_OFFSET),
                b.get(RELOCATABLE_KERNEL_OFFSET) != 0,
                hasXloadflags ? Short.toUnsignedInt(b.getShort(XLOADFLAGS_OFFSET)) : 0,
                u32(b, CMDLINE_SIZE_OFFSET),
                hasPayload ? u32(b, PAYLOAD_OFFSET_OFFSET) : 0,
                hasPayload ? u32(b, PAYLOAD_LENGTH_OFFSET) : 0,
                hasPrefAddress ? b.getLong(PREF_ADDRESS_OFFSET) : 0,
                hasPrefAddress ? u32(b, INIT_SIZE_OFFSET) : 0);
    }

    /** File offset of the protected-mode kernel: after the boot sector and the setup sectors. */
    public long protectedModeOffset() {
        return protectedModeOffset(setupSects);
    }

    /** Whether XLF_KERNEL_64 offers the 64-bit entry point, 0x200 past the protected-mode kernel's load address. */
    public boolean has64BitEntry() {
        return (xloadflags & XLF_KERNEL_64) != 0;
    }

    /** The boot protocol version as boot.rst writes it, e.g. "2.15". */
    public String protocol() {
        return protocol(version);
    }

    private static String protocol(int version) {
        return String.format("%d.%02d", version >> 8, version & 0xFF);
    }

    private static long protectedModeOffset(int setupSects) {
        return (setupSects + 1L) * SECTOR;
    }

    private static long u32(ByteBuffer b, int at) {
        return Integer.toUnsignedLong(b.getInt(at));
    }
}
