package dev.vmboot.storage.internal.partition;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * One GPT partition entry (UEFI 2.10 §5.3.3, table 5.6).
 *
 * @param typeGuid   partition type GUID, text form; all zeros for an unused entry
 * @param uniqueGuid unique partition GUID, text form
 * @param firstLba   first LBA (inclusive)
 * @param lastLba    last LBA (inclusive)
 * @param attributes attribute bits (table 5.7)
 * @param name       the partition name (UTF-16LE, up to 36 characters, NUL-terminated)
 */
public record GptPartitionEntry(String typeGuid, String uniqueGuid, long firstLba, long lastLba, long attributes,
        String name) {

    /** Attributes bit 2: Legacy BIOS Bootable (table 5.7). */
    static final long LEGACY_BIOS_BOOTABLE = 1L << 2;

    // Field offsets, table 5.6.
    private static final int TYPE_GUID = 0;
    private static final int UNIQUE_GUID = 16;
    private static final int STARTING_LBA = 32;
    private static final int ENDING_LBA = 40;
    private static final int ATTRIBUTES = 48;
    private static final int NAME = 56;
    private static final int NAME_BYTES = 72;

    /** Whether the entry at {@code offset} is unused (type GUID all zeros). */
    static boolean isUnused(byte[] array, int offset) {
        return UefiGuid.isZero(array, offset + TYPE_GUID);
    }

    /** Parses the 128-byte entry at {@code offset} of an entry array. */
    static GptPartitionEntry parse(byte[] array, int offset) {
        ByteBuffer b = ByteBuffer.wrap(array).order(ByteOrder.LITTLE_ENDIAN);
        int nameLength = 0;
        while (nameLength < NAME_BYTES && (array[offset + NAME + nameLength] != 0
                || array[offset + NAME + nameLength + 1] != 0)) {
            nameLength += 2;
        }
        return new GptPartitionEntry(UefiGuid.toText(array, offset + TYPE_GUID),
                UefiGuid.toText(array, offset + UNIQUE_GUID), b.getLong(offset + STARTING_LBA),
                b.getLong(offset + ENDING_LBA), b.getLong(offset + ATTRIBUTES),
                new String(array, offset + NAME, nameLength, StandardCharsets.UTF_16LE));
    }
}
