package dev.vmboot.fs.iso9660.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

import dev.vmboot.api.fs.CorruptFilesystemException;
import dev.vmboot.api.storage.BlockDevice;

/**
 * The ECMA-119 6.7.1 volume descriptor set: from logical sector 16 up to a terminator, the primary descriptor, the
 * first Joliet supplementary descriptor and an El Torito boot record if there are such.
 *
 * @param primary          the primary volume descriptor
 * @param joliet           the first supplementary descriptor with Joliet escape sequences
 * @param bootCatalogBlock El Torito 1.0 2.0: the boot catalog's logical block, -1 without a boot record
 */
record VolumeDescriptorSet(VolumeDescriptor primary, Optional<VolumeDescriptor> joliet, long bootCatalogBlock) {

    /** 6.7.1: the set starts at logical sector 16 (the system area comes before it). */
    static final int FIRST_SECTOR = 16;
    /** 8.1.2 standard identifier. */
    private static final byte[] STANDARD_ID = {'C', 'D', '0', '0', '1'};
    /** El Torito 1.0 2.0: boot system identifier of the boot record volume descriptor. */
    private static final byte[] EL_TORITO_ID = "EL TORITO SPECIFICATION"
            .getBytes(StandardCharsets.US_ASCII);
    /** Descriptors read at most before a terminator must have appeared (Linux's isofs gives up after 100 too). */
    static final int MAX_DESCRIPTORS = 100;
    private static final String STRUCTURE = "ISO9660 volume descriptor set";

    /** Whether the sector at 32 KiB starts like a volume descriptor ({@code CD001}, version 1). */
    static boolean present(BlockDevice device) throws IOException {
        long at = (long) FIRST_SECTOR * IsoVolume.BLOCK_SIZE;
        if (device.size() < at + IsoVolume.BLOCK_SIZE) {
            return false;
        }
        byte[] head = device.readBytes(at, 7);
        return Arrays.equals(head, 1, 6, STANDARD_ID, 0, 5) && head[6] == 1;
    }

    static VolumeDescriptorSet read(BlockDevice device) throws IOException {
        VolumeDescriptor primary = null;
        VolumeDescriptor joliet = null;
        long bootCatalog = -1;
        for (int i = 0; i < MAX_DESCRIPTORS; i++) {
            long at = (long) (FIRST_SECTOR + i) * IsoVolume.BLOCK_SIZE;
            if (at + IsoVolume.BLOCK_SIZE > device.size()) {
                throw new CorruptFilesystemException(STRUCTURE, at, "the device (" + device.size()
                        + " bytes) ends before a set terminator: truncated, or not ISO9660");
            }
            byte[] sector = device.readBytes(at, IsoVolume.BLOCK_SIZE);
            if (!Arrays.equals(sector, 1, 6, STANDARD_ID, 0, 5)) {
                throw new CorruptFilesystemException("ISO9660 volume descriptor", at,
                        "no standard identifier CD001 before a set terminator");
            }
            int type = IsoNumbers.u8(sector, 0);
            int version = IsoNumbers.u8(sector, 6);
            if (type == VolumeDescriptor.TYPE_TERMINATOR) {
                if (primary == null) {
                    throw new CorruptFilesystemException(STRUCTURE, at,
                            "set terminator before any primary volume descriptor");
                }
                return new VolumeDescriptorSet(primary, Optional.ofNullable(joliet), bootCatalog);
            }
            if (type == VolumeDescriptor.TYPE_PRIMARY && primary == null) {
                if (version != 1) {
                    throw new CorruptFilesystemException("ISO9660 primary volume descriptor", at, "version "
                            + version + ", not 1");
                }
                primary = VolumeDescriptor.parse(sector, at);
            } else if (type == VolumeDescriptor.TYPE_SUPPLEMENTARY && version == 1 && joliet == null) {
                // Version 2 is an ISO 9660:1999 enhanced volume descriptor, which this reader leaves alone.
                VolumeDescriptor svd = VolumeDescriptor.parse(sector, at);
                if (svd.jolietLevel() > 0) {
                    joliet = svd;
                }
            } else if (type == VolumeDescriptor.TYPE_BOOT_RECORD && bootCatalog < 0
                    && Arrays.equals(sector, 7, 7 + EL_TORITO_ID.length, EL_TORITO_ID, 0, EL_TORITO_ID.length)) {
                // El Torito 1.0 2.0: the catalog pointer is a little-endian 32-bit block number at byte 0x47.
                bootCatalog = IsoNumbers.u32le(sector, 0x47);
            }
        }
        throw new CorruptFilesystemException(STRUCTURE, (long) FIRST_SECTOR * IsoVolume.BLOCK_SIZE,
                "no set terminator among the first " + MAX_DESCRIPTORS + " descriptors");
    }
}
