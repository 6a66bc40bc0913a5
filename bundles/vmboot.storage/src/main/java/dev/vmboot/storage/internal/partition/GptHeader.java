package dev.vmboot.storage.internal.partition;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

import dev.vmboot.api.fs.CorruptFilesystemException;

/**
 * A GPT header (UEFI 2.10 §5.3.2, table 5.5), primary at LBA 1 or backup at the last LBA.
 *
 * @param revision             {@code 0x00010000} for 1.0
 * @param headerSize           bytes covered by the header CRC, 92 up to a sector
 * @param myLba                the LBA this header was read from
 * @param alternateLba         the LBA of the other header
 * @param firstUsableLba       first LBA a partition may use
 * @param lastUsableLba        last LBA a partition may use
 * @param diskGuid             disk GUID, text form
 * @param partitionEntryLba    first LBA of the partition entry array
 * @param numberOfEntries      entries in the array
 * @param entrySize            bytes per entry, 128 × 2<sup>n</sup>
 * @param entryArrayCrc32      CRC32 of the entry array ({@code numberOfEntries × entrySize} bytes)
 */
public record GptHeader(long revision, int headerSize, long myLba, long alternateLba, long firstUsableLba,
        long lastUsableLba, String diskGuid, long partitionEntryLba, int numberOfEntries, int entrySize,
        long entryArrayCrc32) {

    /** "EFI PART" (table 5.5, Signature). */
    static final byte[] SIGNATURE = "EFI PART".getBytes(StandardCharsets.US_ASCII);
    /** Smallest HeaderSize (table 5.5: "must be greater than or equal to 92"). */
    static final int MIN_HEADER_SIZE = 92;
    /** Smallest entry (table 5.5, SizeOfPartitionEntry: 128 × 2^n). */
    static final int MIN_ENTRY_SIZE = 128;
    /** vmboot's bounds: entries up to 4 KiB each and an array of at most 4 MiB (the usual is 128 × 128 bytes). */
    static final int MAX_ENTRY_SIZE = 4096;
    static final long MAX_ENTRY_ARRAY_BYTES = 4L << 20;

    // Field offsets, table 5.5.
    private static final int REVISION = 8;
    private static final int HEADER_SIZE = 12;
    private static final int HEADER_CRC32 = 16;
    private static final int RESERVED = 20;
    private static final int MY_LBA = 24;
    private static final int ALTERNATE_LBA = 32;
    private static final int FIRST_USABLE_LBA = 40;
    private static final int LAST_USABLE_LBA = 48;
    private static final int DISK_GUID = 56;
    private static final int PARTITION_ENTRY_LBA = 72;
    private static final int NUMBER_OF_ENTRIES = 80;
    private static final int ENTRY_SIZE = 84;
    private static final int ENTRY_ARRAY_CRC32 = 88;

    /** Whether {@code sector} starts with the GPT signature. */
    static boolean hasSignature(byte[] sector) {
        if (sector.length < SIGNATURE.length) {
            return false;
        }
        for (int i = 0; i < SIGNATURE.length; i++) {
            if (sector[i] != SIGNATURE[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Parses and validates the header in {@code sector}, read from {@code lba} of a disk whose last LBA is
     * {@code lastLba}.
     *
     * @param byteOffset where the sector lies on the disk, for messages
     * @throws CorruptFilesystemException naming the field that is wrong
     */
    public static GptHeader parse(byte[] sector, long lba, long lastLba, long byteOffset)
            throws CorruptFilesystemException {
        String what = (lba == 1 ? "primary" : "backup") + " GPT header (LBA " + lba + ")";
        if (!hasSignature(sector)) {
            throw new CorruptFilesystemException(what, byteOffset, "no \"EFI PART\" signature");
        }
        ByteBuffer b = ByteBuffer.wrap(sector).order(ByteOrder.LITTLE_ENDIAN);
        long revision = Integer.toUnsignedLong(b.getInt(REVISION));
        long headerSize = Integer.toUnsignedLong(b.getInt(HEADER_SIZE));
        if (headerSize < MIN_HEADER_SIZE || headerSize > sector.length) {
            throw new CorruptFilesystemException(what, byteOffset, "header size " + headerSize + " is not between "
                    + MIN_HEADER_SIZE + " and the sector size " + sector.length);
        }
        long storedCrc = Integer.toUnsignedLong(b.getInt(HEADER_CRC32));
        CRC32 crc = new CRC32();
        crc.update(sector, 0, HEADER_CRC32);
        crc.update(new byte[4]);
        crc.update(sector, HEADER_CRC32 + 4, (int) headerSize - HEADER_CRC32 - 4);
        if (crc.getValue() != storedCrc) {
            throw new CorruptFilesystemException(what, byteOffset, String.format(
                    "header CRC32 is %08x, computed %08x", storedCrc, crc.getValue()));
        }
        if ((revision >>> 16) != 1) {
            throw new CorruptFilesystemException(what, byteOffset, String.format("unsupported revision %08x",
                    revision));
        }
        if (b.getInt(RESERVED) != 0) {
            throw new CorruptFilesystemException(what, byteOffset + RESERVED, "reserved field is not zero");
        }
        long myLba = b.getLong(MY_LBA);
        if (myLba != lba) {
            throw new CorruptFilesystemException(what, byteOffset + MY_LBA, "MyLBA is " + Long.toUnsignedString(myLba)
                    + ", but the header was read from LBA " + lba);
        }
        long alternateLba = b.getLong(ALTERNATE_LBA);
        long first = b.getLong(FIRST_USABLE_LBA);
        long last = b.getLong(LAST_USABLE_LBA);
        if (first < 2 || Long.compareUnsigned(first, last) > 0 || Long.compareUnsigned(last, lastLba) > 0) {
            throw new CorruptFilesystemException(what, byteOffset + FIRST_USABLE_LBA, "usable LBAs "
                    + Long.toUnsignedString(first) + ".." + Long.toUnsignedString(last)
                    + " do not fit a disk whose last LBA is " + lastLba);
        }
        long entryLba = b.getLong(PARTITION_ENTRY_LBA);
        long entries = Integer.toUnsignedLong(b.getInt(NUMBER_OF_ENTRIES));
        long entrySize = Integer.toUnsignedLong(b.getInt(ENTRY_SIZE));
        if (entrySize < MIN_ENTRY_SIZE || entrySize > MAX_ENTRY_SIZE || Long.bitCount(entrySize) != 1) {
            throw new CorruptFilesystemException(what, byteOffset + ENTRY_SIZE, "partition entry size " + entrySize
                    + " is not 128 × 2^n (up to " + MAX_ENTRY_SIZE + ")");
        }
        long arrayBytes = entries * entrySize;
        if (arrayBytes > MAX_ENTRY_ARRAY_BYTES) {
            throw new CorruptFilesystemException(what, byteOffset + NUMBER_OF_ENTRIES, entries + " entries of "
                    + entrySize + " bytes exceed the " + (MAX_ENTRY_ARRAY_BYTES >> 20) + " MiB vmboot accepts");
        }
        long arraySectors = (arrayBytes + sector.length - 1) / sector.length;
        if (entryLba < 2 || entryLba > lastLba || arraySectors > lastLba - entryLba + 1) {
            throw new CorruptFilesystemException(what, byteOffset + PARTITION_ENTRY_LBA, "partition entry array at LBA "
                    + Long.toUnsignedString(entryLba) + " (" + arraySectors + " sectors) lies outside the disk");
        }
        return new GptHeader(revision, (int) headerSize, myLba, alternateLba, first, last,
                UefiGuid.toText(sector, DISK_GUID), entryLba, (int) entries, (int) entrySize,
                Integer.toUnsignedLong(b.getInt(ENTRY_ARRAY_CRC32)));
    }

    /** Bytes of the partition entry array. */
    public int entryArrayBytes() {
        return numberOfEntries * entrySize;
    }

    /** Checks the entry array against {@link #entryArrayCrc32}. */
    void verifyEntryArray(byte[] array, long byteOffset) throws CorruptFilesystemException {
        CRC32 crc = new CRC32();
        crc.update(array, 0, entryArrayBytes());
        if (crc.getValue() != entryArrayCrc32) {
            throw new CorruptFilesystemException((myLba == 1 ? "primary" : "backup") + " GPT partition entry array (LBA "
                    + partitionEntryLba + ")", byteOffset, String.format("CRC32 is %08x, the header says %08x",
                            crc.getValue(), entryArrayCrc32));
        }
    }
}
