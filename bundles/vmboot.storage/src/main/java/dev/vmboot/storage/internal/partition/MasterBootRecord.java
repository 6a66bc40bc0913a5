package dev.vmboot.storage.internal.partition;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import dev.vmboot.api.fs.CorruptFilesystemException;

/**
 * A legacy MBR or an EBR (UEFI 2.10 §5.2.1, table 5.1): boot code, the 32-bit disk signature at byte 440, four
 * partition entries at byte 446 and the 0x55 0xAA signature at byte 510.
 *
 * <p>The boot sector of an unpartitioned FAT or NTFS volume also ends in 0x55 0xAA, so {@link #parse} checks the
 * entries too: every status byte must be 0x00 or 0x80 and no used entry may start at LBA 0 (where the table itself
 * lies) unless the caller allows it (an isohybrid ISO's first partition covers the whole image from LBA 0).
 *
 * @param diskSignature UniqueMBRDiskSignature
 * @param entries       the four entries, empty ones included
 */
public record MasterBootRecord(long diskSignature, List<MbrPartitionEntry> entries) {

    /** Bytes of the structure (table 5.1). */
    public static final int SIZE = 512;
    private static final int DISK_SIGNATURE = 440;
    private static final int PARTITION_RECORDS = 446;
    private static final int ENTRY_SIZE = 16;
    private static final int BOOT_SIGNATURE = 510;

    public MasterBootRecord {
        entries = List.copyOf(entries);
    }

    /** Whether the sector ends in 0x55 0xAA. */
    static boolean hasBootSignature(byte[] sector) {
        return sector.length >= SIZE && (sector[BOOT_SIGNATURE] & 0xFF) == 0x55
                && (sector[BOOT_SIGNATURE + 1] & 0xFF) == 0xAA;
    }

    /**
     * Parses a 512-byte MBR or EBR.
     *
     * @param byteOffset     its position on the disk, for messages
     * @param allowLbaZero   accept a used entry starting at LBA 0 (isohybrid images)
     * @throws CorruptFilesystemException if it has no boot signature or its entries are not partition entries
     */
    public static MasterBootRecord parse(byte[] sector, long byteOffset, boolean allowLbaZero)
            throws CorruptFilesystemException {
        if (!hasBootSignature(sector)) {
            throw new CorruptFilesystemException("MBR", byteOffset + BOOT_SIGNATURE, "no 0x55AA boot signature");
        }
        ByteBuffer b = ByteBuffer.wrap(sector, 0, SIZE).order(ByteOrder.LITTLE_ENDIAN);
        List<MbrPartitionEntry> entries = new ArrayList<>(4);
        for (int slot = 0; slot < 4; slot++) {
            int at = PARTITION_RECORDS + slot * ENTRY_SIZE;
            int status = sector[at] & 0xFF;
            if (status != 0x00 && status != MbrPartitionEntry.ACTIVE) {
                throw new CorruptFilesystemException("MBR partition entry " + (slot + 1), byteOffset + at,
                        String.format("status byte 0x%02x is neither 0x00 nor 0x80", status));
            }
            MbrPartitionEntry e = new MbrPartitionEntry(slot, status, sector[at + 4] & 0xFF,
                    Integer.toUnsignedLong(b.getInt(at + 8)), Integer.toUnsignedLong(b.getInt(at + 12)));
            if (!e.isEmpty() && e.firstLba() == 0 && !allowLbaZero) {
                throw new CorruptFilesystemException("MBR partition entry " + (slot + 1), byteOffset + at + 8,
                        "partition starts at LBA 0, on top of the partition table");
            }
            entries.add(e);
        }
        return new MasterBootRecord(Integer.toUnsignedLong(b.getInt(DISK_SIGNATURE)), entries);
    }

    /** Whether any entry is the GPT protective partition (type 0xEE). */
    public boolean hasProtectiveEntry() {
        return entries.stream().anyMatch(e -> !e.isEmpty() && e.type() == MbrPartitionTypes.GPT_PROTECTIVE);
    }

    /** Used entries other than the protective one: a hybrid MBR has some. */
    public List<MbrPartitionEntry> nonProtectiveEntries() {
        return entries.stream().filter(e -> !e.isEmpty() && e.type() != MbrPartitionTypes.GPT_PROTECTIVE).toList();
    }
}
