package dev.vmboot.boot.linux.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

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
    /** boot.rst type_of_loader: 0xFF = undefined boot loader. */
    static final int LOADER_UNDEFINED = 0xFF;
    /** boot.rst: acpi_rsdp_addr exists from protocol 2.14. */
    static final int VERSION_ACPI_RSDP = 0x020E;

    private ZeroPage() {
    }

    static byte[] build(SetupHeader header, long loadAddress, long cmdline, long ramdiskImage, long ramdiskSize,
            long rsdp, List<E820Entry> e820) {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.put(SetupHeader.OFFSET, header.raw());
        b.putShort(VID_MODE_OFFSET, (short) 0xFFFF);
        b.put(SetupHeader.TYPE_OF_LOADER_OFFSET, (byte) LOADER_UNDEFINED);
        b.putInt(SetupHeader.CODE32_START_OFFSET, (int) loadAddress);
        b.putInt(SetupHeader.RAMDISK_IMAGE_OFFSET, (int) ramdiskImage);
        b.putInt(SetupHeader.RAMDISK_SIZE_OFFSET, (int) ramdiskSize);
        b.putInt(SetupHeader.CMD_LINE_PTR_OFFSET, (int) cmdline);
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
