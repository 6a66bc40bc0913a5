package dev.vmboot.api.storage;

/** How a disk is divided. */
public enum PartitionScheme {
    /** UEFI GUID Partition Table (UEFI 2.10, chapter 5.3). */
    GPT,
    /** Classic PC MBR, including extended and logical partitions. */
    MBR,
    /** No partition table: the whole device holds one filesystem (a "superfloppy" or an ISO image). */
    NONE
}
