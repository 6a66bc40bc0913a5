package dev.vmboot.fs.fat.internal;

/**
 * The three FAT widths, told apart only by the cluster count (fatgen103 "FAT Type Determination": fewer than 4085
 * clusters is FAT12, fewer than 65525 FAT16, otherwise FAT32).
 */
enum FatType {
    FAT12(12, 0xFF7, 0xFF8),
    FAT16(16, 0xFFF7, 0xFFF8),
    /** Entries are 32 bits of which the top 4 are reserved and masked off (fatgen103 "FAT32 FAT entry"). */
    FAT32(32, 0x0FFF_FFF7, 0x0FFF_FFF8);

    /** fatgen103: "If CountofClusters < 4085 ... FAT12". */
    static final long FAT12_LIMIT = 4085;
    /** fatgen103: "else if CountofClusters < 65525 ... FAT16". */
    static final long FAT16_LIMIT = 65525;

    private final int bits;
    private final int badCluster;
    private final int endOfChain;

    FatType(int bits, int badCluster, int endOfChain) {
        this.bits = bits;
        this.badCluster = badCluster;
        this.endOfChain = endOfChain;
    }

    static FatType forClusterCount(long clusters) {
        if (clusters < FAT12_LIMIT) {
            return FAT12;
        }
        return clusters < FAT16_LIMIT ? FAT16 : FAT32;
    }

    /** Bits per FAT entry. */
    int bits() {
        return bits;
    }

    /** The entry value marking a bad cluster. */
    int badCluster() {
        return badCluster;
    }

    /** Entry values at or above this end a chain (fatgen103: 0xFF8-0xFFF, 0xFFF8-0xFFFF, 0x0FFFFFF8-0x0FFFFFFF). */
    int endOfChain() {
        return endOfChain;
    }

    /** Bytes the FAT needs to describe {@code entries} entries. */
    long bytesFor(long entries) {
        return (entries * bits + 7) / 8;
    }
}
