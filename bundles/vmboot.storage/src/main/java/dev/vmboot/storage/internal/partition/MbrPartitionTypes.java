package dev.vmboot.storage.internal.partition;

/** Names of MBR partition type bytes (the values fdisk and the Linux kernel's msdos.c use). */
final class MbrPartitionTypes {
    /** GPT protective partition (UEFI 2.10 §5.2.3, table 5.4). */
    static final int GPT_PROTECTIVE = 0xEE;

    private MbrPartitionTypes() {
    }

    /** Extended partition containers: DOS (0x05), Windows LBA (0x0F), Linux (0x85); include/linux/msdos_partition.h. */
    static boolean isExtended(int type) {
        return type == 0x05 || type == 0x0F || type == 0x85;
    }

    /** The name of a type byte, or {@code unknown}. */
    static String name(int type) {
        switch (type) {
            case 0x01: return "FAT12";
            case 0x04: return "FAT16 <32M";
            case 0x05: return "Extended";
            case 0x06: return "FAT16";
            case 0x07: return "HPFS/NTFS/exFAT";
            case 0x0B: return "W95 FAT32";
            case 0x0C: return "W95 FAT32 (LBA)";
            case 0x0E: return "W95 FAT16 (LBA)";
            case 0x0F: return "W95 Extended (LBA)";
            case 0x11: return "Hidden FAT12";
            case 0x14: return "Hidden FAT16 <32M";
            case 0x16: return "Hidden FAT16";
            case 0x17: return "Hidden HPFS/NTFS";
            case 0x1B: return "Hidden W95 FAT32";
            case 0x1C: return "Hidden W95 FAT32 (LBA)";
            case 0x1E: return "Hidden W95 FAT16 (LBA)";
            case 0x27: return "Hidden NTFS WinRE";
            case 0x82: return "Linux swap";
            case 0x83: return "Linux";
            case 0x85: return "Linux extended";
            case 0x8E: return "Linux LVM";
            case 0xA5: return "FreeBSD";
            case 0xA6: return "OpenBSD";
            case 0xA9: return "NetBSD";
            case 0xAF: return "HFS/HFS+";
            case 0xCD: return "ISO9660 (isohybrid)";
            case 0xEE: return "GPT protective";
            case 0xEF: return "EFI System";
            case 0xFD: return "Linux RAID autodetect";
            default: return "unknown";
        }
    }
}
