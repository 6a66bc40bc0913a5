package dev.vmboot.storage.internal.partition;

/**
 * One 16-byte MBR partition entry (UEFI 2.10 §5.2.1, table 5.2; the same layout in an EBR).
 *
 * @param slot     0..3, the entry's position in the table
 * @param status   0x80 active (bootable), 0x00 inactive
 * @param type     the OS type byte ({@link MbrPartitionTypes})
 * @param firstLba StartingLBA (unsigned 32-bit), relative to what the table's kind says
 * @param sectors  SizeInLBA (unsigned 32-bit)
 */
public record MbrPartitionEntry(int slot, int status, int type, long firstLba, long sectors) {

    /** BootIndicator of an active partition (table 5.2). */
    static final int ACTIVE = 0x80;

    /** An entry that describes no partition: type 0 or no sectors. */
    public boolean isEmpty() {
        return type == 0 || sectors == 0;
    }

    public boolean active() {
        return status == ACTIVE;
    }

    /** The first LBA after this partition. */
    public long endLba() {
        return firstLba + sectors;
    }
}
