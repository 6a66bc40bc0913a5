package dev.vmboot.boot.linux.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import dev.vmboot.linux.image.SetupHeader;

/**
 * {@code struct boot_params}, the "zero page" (Documentation/arch/x86/zero-page.rst; boot.rst "Details of Header
 * Fields"): 4096 bytes with the image's setup header copied to 0x1F1 and the loader's fields filled in.
 */
final class ZeroPage {

    static final int SIZE = 4096;
    /** zero-page.rst: acpi_rsdp_addr (protocol 2.14+). */
    static final int ACPI_RSDP_ADDR_OFFSET = 0x070;
    /** zero-page.rst: e820_entries and e820_table[128]. */
    static final int E820_ENTRIES_OFFSET = 0x1E8;
    static final int E820_TABLE_OFFSET = 0x2D0;
    static final int E820_MAX_ENTRIES = 128;
    /** boot.rst vid_mode at 0x1FA: 0xFFFF = "normal" (ask no video mode). */
    static final int VID_MODE_OFFSET = 0x1FA;
    /** boot.rst type_of_loader at 0x210: 0xFF = undefined boot loader. */
    static final int TYPE_OF_LOADER_OFFSET = 0x210;
    static final int LOADER_UNDEFINED = 0xFF;
    /** boot.rst, setup header fields the loader writes: code32_start, ramdisk_image, ramdisk_size, cmd_line_ptr. */
    static final int CODE32_START_OFFSET = 0x214;
    static final int RAMDISK_IMAGE_OFFSET = 0x218;
    static final int RAMDISK_SIZE_OFFSET = 0x21C;
    static final int CMD_LINE_PTR_OFFSET = 0x228;
    /** boot.rst: acpi_rsdp_addr exists from protocol 2.14. */
    static final int VERSION_ACPI_RSDP = 0x020E;

    private ZeroPage() {
    }

    /** @param image the bzImage whose setup header {@code header} is: its bytes are copied as they are */
    static byte[] build(ByteBuffer image, SetupHeader header, long loadAddress, long cmdline, long ramdiskImage,
            long ramdiskSize, long rsdp, List<E820Entry> e820) {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.put(SetupHeader.START, image, SetupHeader.START, header.end() - SetupHeader.START);
        b.putShort(VID_MODE_OFFSET, (short) 0xFFFF);
        b.put(TYPE_OF_LOADER_OFFSET, (byte) LOADER_UNDEFINED);
        b.putInt(CODE32_START_OFFSET, (int) loadAddress);
        b.putInt(RAMDISK_IMAGE_OFFSET, (int) ramdiskImage);
        b.putInt(RAMDISK_SIZE_OFFSET, (int) ramdiskSize);
        b.putInt(CMD_LINE_PTR_OFFSET, (int) cmdline);
        if (header.version() >= VERSION_ACPI_RSDP) {
            b.putLong(ACPI_RSDP_ADDR_OFFSET, rsdp);
        }
        if (e820.size() > E820_MAX_ENTRIES) {
            throw new IllegalArgumentException("more than 128 e820 entries");
        }
        b.put(E820_ENTRIES_OFFSET, (byte) e820.size());
        b.position(E820_TABLE_OFFSET);
        e820.forEach(e -> e.writeTo(b));
        return b.array();
    }
}
