package dev.vmboot.boot.firmware.internal;

import java.util.List;

import dev.vmboot.acpi.AcpiTables;
import dev.vmboot.acpi.Fadt;
import dev.vmboot.acpi.Facs;
import dev.vmboot.acpi.PlatformDescription;
import dev.vmboot.acpi.Rsdp;
import dev.vmboot.acpi.SdtHeader;
import dev.vmboot.acpi.Xsdt;

/**
 * The ACPI tables as QEMU hands them to firmware: two fw_cfg blobs, {@value #TABLES} and {@value #RSDP}, and the
 * {@value #LOADER} script that tells the firmware where to put them, which pointers to relocate and which checksums to
 * compute (QEMU hw/acpi/bios-linker-loader.c). OVMF installs tables only this way
 * (OvmfPkg/Library/AcpiPlatformLib/QemuFwCfgAcpi.c): every table some ADD_POINTER points at is installed, except the
 * RSDT/XSDT, which its ACPI table protocol rebuilds.
 *
 * <p>The tables are laid out from offset 0 of the tables blob, as {@link AcpiTables} lays them out from address 0,
 * with the RSDP's 48-byte slot at the start left empty (the RSDP travels in its own blob): every pointer between
 * tables then holds its target's offset in the blob, which is what ADD_POINTER adds the blob's address to. Checksum
 * bytes that the loader computes are zero in the blobs, because OVMF's ADD_CHECKSUM assigns the checksum of the whole
 * range, including the byte itself.
 *
 * @param tables etc/acpi/tables
 * @param rsdp   etc/acpi/rsdp
 * @param loader etc/table-loader
 */
record AcpiLoaderFiles(byte[] tables, byte[] rsdp, byte[] loader) {
    static final String TABLES = "etc/acpi/tables";
    static final String RSDP = "etc/acpi/rsdp";
    static final String LOADER = "etc/table-loader";
    /** QEMU allocates the tables blob 64-byte aligned, which keeps the FACS aligned (ACPI 6.5, 5.2.10). */
    static final int TABLES_ALIGNMENT = Facs.ALIGNMENT;
    /** The RSDP must be 16-byte aligned (ACPI 6.5, 5.2.5.1) and found in the F segment by legacy OSes. */
    static final int RSDP_ALIGNMENT = 16;
    /** fw_cfg blobs of a few KiB; the limit only guards against a runaway layout. */
    private static final long BLOB_LIMIT = 1 << 20;

    static AcpiLoaderFiles build(PlatformDescription platform) {
        AcpiTables laidOut = AcpiTables.build(SdtHeader.VMBOOT, platform, 0, BLOB_LIMIT);
        byte[] tables = new byte[(int) laidOut.end()];
        byte[] rsdp = null;
        TableLoader loader = new TableLoader();
        List<AcpiTables.Table> all = laidOut.tables();
        for (AcpiTables.Table t : all) {
            if (t.address() == laidOut.rsdpAddress()) {
                rsdp = t.bytes().clone();
            } else {
                System.arraycopy(t.bytes(), 0, tables, (int) t.address(), t.bytes().length);
            }
        }
        loader.allocate(RSDP, rsdp.length, RSDP_ALIGNMENT, TableLoader.ZONE_FSEG);
        loader.allocate(TABLES, tables.length, TABLES_ALIGNMENT, TableLoader.ZONE_HIGH);
        for (AcpiTables.Table t : all) {
            int at = (int) t.address();
            switch (t.signature()) {
                case Fadt.SIGNATURE -> {
                    pointerIfSet(loader, tables, at + Fadt.FIRMWARE_CTRL_OFFSET, 4);
                    pointerIfSet(loader, tables, at + Fadt.DSDT_OFFSET, 4);
                    pointerIfSet(loader, tables, at + Fadt.X_DSDT_OFFSET, 8);
                }
                case Xsdt.SIGNATURE -> {
                    for (int entry = at + SdtHeader.SIZE; entry < at + t.bytes().length; entry += 8) {
                        pointerIfSet(loader, tables, entry, 8);
                    }
                }
                default -> {
                }
            }
            if (!t.signature().equals(Facs.SIGNATURE) && at != laidOut.rsdpAddress()) { // the FACS has no checksum
                tables[at + SdtHeader.CHECKSUM_OFFSET] = 0;
                loader.addChecksum(TABLES, at + SdtHeader.CHECKSUM_OFFSET, at, t.bytes().length);
            }
        }
        loader.addPointer(RSDP, TABLES, Rsdp.XSDT_ADDRESS_OFFSET, 8);
        rsdp[Rsdp.CHECKSUM_OFFSET] = 0;
        rsdp[Rsdp.EXTENDED_CHECKSUM_OFFSET] = 0;
        loader.addChecksum(RSDP, Rsdp.CHECKSUM_OFFSET, 0, Rsdp.ACPI_1_LENGTH);
        loader.addChecksum(RSDP, Rsdp.EXTENDED_CHECKSUM_OFFSET, 0, Rsdp.SIZE);
        return new AcpiLoaderFiles(tables, rsdp, loader.build());
    }

    /** A pointer field is relocated only if it points somewhere: a zero field means "absent" and stays zero. */
    private static void pointerIfSet(TableLoader loader, byte[] tables, int offset, int size) {
        long value = 0;
        for (int i = size - 1; i >= 0; i--) {
            value = value << 8 | (tables[offset + i] & 0xFF);
        }
        if (value != 0) {
            loader.addPointer(TABLES, TABLES, offset, size);
        }
    }
}
