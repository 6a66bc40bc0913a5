package dev.vmboot.fs.fat.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import dev.vmboot.api.fs.CorruptFilesystemException;

/**
 * The boot sector's BIOS Parameter Block (fatgen103 "Boot Sector and BPB Structure"), validated, with the layout
 * derived from it: where the FATs, the fixed root directory (FAT12/16) and the data region start, how many clusters
 * there are and hence the FAT type.
 *
 * @param bytesPerSector    BPB_BytsPerSec, 512..4096, a power of two
 * @param sectorsPerCluster BPB_SecPerClus, a power of two up to 128
 * @param reservedSectors   BPB_RsvdSecCnt, at least 1 (the boot sector)
 * @param fatCount          BPB_NumFATs, at least 1
 * @param rootEntries       BPB_RootEntCnt, 0 on FAT32
 * @param totalSectors      BPB_TotSec16, or BPB_TotSec32 when that is 0
 * @param totalSectorsField the offset in sector 0 of the field {@code totalSectors} came from (19 or 32)
 * @param fatSectors        BPB_FATSz16, or BPB_FATSz32 when that is 0
 * @param clusterCount      data clusters, numbered 2..clusterCount+1
 * @param type              FAT12/16/32 by cluster count
 * @param rootCluster       BPB_RootClus on FAT32, 0 otherwise
 * @param serial            BS_VolID, or -1 without an extended boot signature
 * @param label             BS_VolLab trimmed, empty if absent or "NO NAME"
 */
record FatBootSector(int bytesPerSector, int sectorsPerCluster, int reservedSectors, int fatCount, int rootEntries,
        long totalSectors, int totalSectorsField, long fatSectors, long clusterCount, FatType type, long rootCluster, long serial,
        String label) {

    static final String STRUCTURE = "FAT boot sector";
    /** fatgen103: the signature 0x55 0xAA at offsets 510 and 511 of sector 0. */
    static final int SIGNATURE_OFFSET = 510;
    /** fatgen103 BS_BootSig: 0x29 means BS_VolID, BS_VolLab and BS_FilSysType follow; 0x28 (DOS 3.4) only the ID. */
    private static final int EXTENDED_BOOT_SIGNATURE = 0x29;
    private static final int SERIAL_ONLY_BOOT_SIGNATURE = 0x28;

    /** Bytes of one cluster. */
    int clusterSize() {
        return bytesPerSector * sectorsPerCluster;
    }

    /** Byte offset of the first FAT. */
    long fatOffset() {
        return (long) reservedSectors * bytesPerSector;
    }

    /** Byte offset of the fixed root directory of FAT12/16 (fatgen103: FirstRootDirSecNum). */
    long rootDirectoryOffset() {
        return ((long) reservedSectors + fatCount * fatSectors) * bytesPerSector;
    }

    /** Bytes of the fixed FAT12/16 root directory. */
    int rootDirectoryBytes() {
        return rootEntries * 32;
    }

    /** Byte offset of the data region, where cluster 2 starts (fatgen103: FirstDataSector). */
    long dataOffset() {
        return rootDirectoryOffset() + rootDirectorySectors(rootEntries, bytesPerSector) * bytesPerSector;
    }

    /** Byte offset of cluster {@code cluster} (2..clusterCount+1). */
    long clusterOffset(long cluster) {
        return dataOffset() + (cluster - 2) * clusterSize();
    }

    /** Bytes of the whole volume (BPB_TotSec times BPB_BytsPerSec). */
    long volumeBytes() {
        return totalSectors * bytesPerSector;
    }

    /**
     * Refuses a volume that does not fit {@code deviceSize} bytes: a truncated image or a partition cut short. The
     * message says where the device ends (in which FAT, the root directory or at which cluster) and what is missing.
     */
    void checkFits(long deviceSize) throws CorruptFilesystemException {
        if (volumeBytes() <= deviceSize) {
            return;
        }
        throw corrupt(totalSectorsField, "volume of " + totalSectors + " sectors (" + volumeBytes()
                + " bytes) on a device of " + deviceSize + " bytes: truncated image, cut off from "
                + regionAt(deviceSize));
    }

    /** What lies at byte {@code offset} of the volume, for messages. */
    String regionAt(long offset) {
        if (offset < fatOffset()) {
            return "byte " + offset + " of the reserved sectors (every FAT, the root directory and all "
                    + clusterCount + " data clusters are missing)";
        }
        long fatBytes = fatSectors * bytesPerSector;
        if (offset < rootDirectoryOffset()) {
            long fat = (offset - fatOffset()) / fatBytes;
            return "byte " + (offset - fatOffset() - fat * fatBytes) + " of FAT " + (fat + 1) + " of " + fatCount
                    + " (all " + clusterCount + " data clusters are missing)";
        }
        if (offset < dataOffset()) {
            return "byte " + (offset - rootDirectoryOffset()) + " of the root directory (all " + clusterCount
                    + " data clusters are missing)";
        }
        long cluster = 2 + (offset - dataOffset()) / clusterSize();
        long last = clusterCount + 1;
        if (cluster > last) {
            return "byte " + offset + ", past the last cluster (only sectors no cluster uses are missing)";
        }
        return "cluster " + cluster + " (clusters " + cluster + ".." + last + ", " + (last - cluster + 1) + " of "
                + clusterCount + ", are missing or incomplete)";
    }

    /** Volume serial as blkid prints it, {@code XXXX-XXXX}; empty without one. */
    String uuid() {
        return serial < 0 ? "" : String.format("%04X-%04X", serial >>> 16, serial & 0xFFFF);
    }

    private static long rootDirectorySectors(int rootEntries, int bytesPerSector) {
        // fatgen103: RootDirSectors = ((BPB_RootEntCnt * 32) + (BPB_BytsPerSec - 1)) / BPB_BytsPerSec
        return ((long) rootEntries * 32 + bytesPerSector - 1) / bytesPerSector;
    }

    /**
     * Parses and validates sector 0.
     *
     * @param sector at least 512 bytes of sector 0
     */
    static FatBootSector parse(ByteBuffer sector) throws CorruptFilesystemException {
        if (sector.remaining() < 512) {
            throw corrupt(0, "shorter than 512 bytes");
        }
        ByteBuffer b = sector.slice().order(ByteOrder.LITTLE_ENDIAN);
        int jump = b.get(0) & 0xFF;
        // fatgen103 BS_jmpBoot: EB xx 90 or E9 xx xx
        if (!(jump == 0xEB && (b.get(2) & 0xFF) == 0x90) && jump != 0xE9) {
            throw corrupt(0, String.format("no x86 jump instruction (BS_jmpBoot starts 0x%02X)", jump));
        }
        if ((b.get(SIGNATURE_OFFSET) & 0xFF) != 0x55 || (b.get(SIGNATURE_OFFSET + 1) & 0xFF) != 0xAA) {
            throw corrupt(SIGNATURE_OFFSET, "no 0x55AA signature");
        }
        int bytesPerSector = b.getShort(11) & 0xFFFF; // BPB_BytsPerSec
        if (bytesPerSector < 512 || bytesPerSector > 4096 || Integer.bitCount(bytesPerSector) != 1) {
            throw corrupt(11, "bytes per sector " + bytesPerSector + " is not 512, 1024, 2048 or 4096");
        }
        int sectorsPerCluster = b.get(13) & 0xFF; // BPB_SecPerClus
        if (sectorsPerCluster == 0 || Integer.bitCount(sectorsPerCluster) != 1) {
            throw corrupt(13, "sectors per cluster " + sectorsPerCluster + " is not a power of two");
        }
        int reserved = b.getShort(14) & 0xFFFF; // BPB_RsvdSecCnt
        if (reserved == 0) {
            throw corrupt(14, "no reserved sectors (the boot sector is one)");
        }
        int fatCount = b.get(16) & 0xFF; // BPB_NumFATs
        if (fatCount == 0) {
            throw corrupt(16, "no FAT");
        }
        int rootEntries = b.getShort(17) & 0xFFFF; // BPB_RootEntCnt
        int media = b.get(21) & 0xFF; // BPB_Media: 0xF0 or 0xF8..0xFF
        if (media != 0xF0 && media < 0xF8) {
            throw corrupt(21, String.format("media descriptor 0x%02X is not 0xF0 or 0xF8-0xFF", media));
        }
        long totalSectors = b.getShort(19) & 0xFFFF; // BPB_TotSec16
        int totalSectorsField = 19;
        if (totalSectors == 0) {
            totalSectors = b.getInt(32) & 0xFFFF_FFFFL; // BPB_TotSec32
            totalSectorsField = 32;
        }
        if (totalSectors == 0) {
            throw corrupt(32, "total sector count is 0");
        }
        int fatSectors16 = b.getShort(22) & 0xFFFF; // BPB_FATSz16
        long fatSectors = fatSectors16 != 0 ? fatSectors16 : b.getInt(36) & 0xFFFF_FFFFL; // BPB_FATSz32
        if (fatSectors == 0) {
            throw corrupt(36, "FAT size is 0");
        }
        long metaSectors = reserved + fatCount * fatSectors + rootDirectorySectors(rootEntries, bytesPerSector);
        if (metaSectors >= totalSectors) {
            throw corrupt(19, "reserved sectors, FATs and root directory (" + metaSectors
                    + " sectors) leave no room for data in " + totalSectors + " sectors");
        }
        long clusterCount = (totalSectors - metaSectors) / sectorsPerCluster;
        if (clusterCount == 0) {
            throw corrupt(13, "no data cluster");
        }
        FatType type = FatType.forClusterCount(clusterCount);
        if (type.bytesFor(clusterCount + 2) > fatSectors * bytesPerSector) {
            throw corrupt(22, "a FAT of " + fatSectors + " sectors cannot hold " + (clusterCount + 2) + " "
                    + type + " entries");
        }
        long rootCluster = 0;
        int extOffset = 36; // BS_DrvNum of the FAT12/16 extended BPB
        if (type == FatType.FAT32) {
            if (rootEntries != 0 || fatSectors16 != 0) {
                throw corrupt(17, clusterCount + " clusters make FAT32, yet BPB_RootEntCnt/BPB_FATSz16 are not 0");
            }
            int version = b.getShort(42) & 0xFFFF; // BPB_FSVer
            if (version != 0) {
                throw corrupt(42, String.format("unknown FAT32 version 0x%04X", version));
            }
            rootCluster = b.getInt(44) & 0xFFFF_FFFFL; // BPB_RootClus
            if (rootCluster < 2 || rootCluster > clusterCount + 1) {
                throw corrupt(44, "root cluster " + rootCluster + " outside 2.." + (clusterCount + 1));
            }
            extOffset = 64; // BS_DrvNum of the FAT32 extended BPB
        } else {
            if (rootEntries == 0) {
                throw corrupt(17, type + " without root directory entries (BPB_RootEntCnt is 0)");
            }
            if (fatSectors16 == 0) {
                throw corrupt(22, type + " with BPB_FATSz16 0");
            }
        }
        int bootSignature = b.get(extOffset + 2) & 0xFF; // BS_BootSig
        long serial = -1;
        String label = "";
        if (bootSignature == EXTENDED_BOOT_SIGNATURE || bootSignature == SERIAL_ONLY_BOOT_SIGNATURE) {
            serial = b.getInt(extOffset + 3) & 0xFFFF_FFFFL; // BS_VolID
        }
        if (bootSignature == EXTENDED_BOOT_SIGNATURE) {
            byte[] raw = new byte[11];
            b.get(extOffset + 7, raw); // BS_VolLab
            label = ShortName.decodeLabel(raw);
        }
        return new FatBootSector(bytesPerSector, sectorsPerCluster, reserved, fatCount, rootEntries, totalSectors,
                totalSectorsField, fatSectors, clusterCount, type, rootCluster, serial, label);
    }

    private static CorruptFilesystemException corrupt(long offset, String problem) {
        return new CorruptFilesystemException(STRUCTURE, offset, problem);
    }
}
