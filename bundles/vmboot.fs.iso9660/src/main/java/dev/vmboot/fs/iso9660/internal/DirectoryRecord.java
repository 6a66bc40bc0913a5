package dev.vmboot.fs.iso9660.internal;

import java.time.Instant;
import java.util.Arrays;

import dev.vmboot.api.fs.CorruptFilesystemException;

/**
 * An ECMA-119 9.1 directory record.
 *
 * @param offset           device byte offset of the record
 * @param extent           9.1.3 location of extent (logical block number)
 * @param xarBlocks        9.1.2 extended attribute record length: blocks at the start of the extent before the data
 * @param dataLength       9.1.4 data length in bytes
 * @param recorded         9.1.5 recording date and time
 * @param flags            9.1.6 file flags
 * @param unitBlocks       9.1.7 file unit size (blocks of data between gaps; 0: not interleaved)
 * @param gapBlocks        9.1.8 interleave gap size (blocks skipped after each unit)
 * @param identifier       9.1.11 file identifier, as recorded
 * @param systemUse        9.1.13 system use field (where SUSP / Rock Ridge entries live)
 * @param systemUseOffset  device byte offset of the system use field
 */
record DirectoryRecord(long offset, long extent, int xarBlocks, long dataLength, Instant recorded, int flags,
        int unitBlocks, int gapBlocks, byte[] identifier, byte[] systemUse, long systemUseOffset) {

    /** 9.1: the fixed part before the file identifier. */
    static final int FIXED_LENGTH = 33;
    /** 9.1.6 file flags. */
    static final int FLAG_HIDDEN = 0x01;
    static final int FLAG_DIRECTORY = 0x02;
    static final int FLAG_ASSOCIATED = 0x04;
    static final int FLAG_MULTI_EXTENT = 0x80;

    /**
     * Parses the record at {@code at} in {@code b}, which must hold all of it ({@code b[at]} bytes).
     *
     * @param offset device byte offset of {@code b[at]}
     */
    static DirectoryRecord parse(byte[] b, int at, long offset) throws CorruptFilesystemException {
        String structure = "ISO9660 directory record";
        int length = IsoNumbers.u8(b, at);
        if (length < FIXED_LENGTH + 1) {
            throw new CorruptFilesystemException(structure, offset, "length " + length + " is below the minimum "
                    + (FIXED_LENGTH + 1));
        }
        if (at + length > b.length) {
            throw new CorruptFilesystemException(structure, offset, "length " + length + " runs past its buffer");
        }
        int idLength = IsoNumbers.u8(b, at + 32);
        if (idLength == 0 || FIXED_LENGTH + idLength > length) {
            throw new CorruptFilesystemException(structure, offset, "file identifier of " + idLength
                    + " bytes does not fit a record of " + length);
        }
        byte[] identifier = Arrays.copyOfRange(b, at + FIXED_LENGTH, at + FIXED_LENGTH + idLength);
        String named = structure + " \"" + FileNames.printable(identifier) + "\"";
        long extent = IsoNumbers.both32(b, at + 2, "location of extent", named, offset);
        long dataLength = IsoNumbers.both32(b, at + 10, "data length", named, offset);
        // 9.1.9 volume sequence number (at + 28) is not read: multi-volume sets are not supported, and some mastering
        // tools recorded its two copies inconsistently.
        int flags = IsoNumbers.u8(b, at + 25);
        int unit = IsoNumbers.u8(b, at + 26);
        int gap = IsoNumbers.u8(b, at + 27);
        if (unit == 0 && gap != 0) {
            throw new CorruptFilesystemException(named, offset, "interleave gap of " + gap
                    + " blocks without a file unit size");
        }
        // 9.1.12: a padding byte follows an identifier of even length.
        int systemUseStart = FIXED_LENGTH + idLength + (idLength % 2 == 0 ? 1 : 0);
        byte[] systemUse = systemUseStart < length ? Arrays.copyOfRange(b, at + systemUseStart, at + length)
                : new byte[0];
        return new DirectoryRecord(offset, extent, IsoNumbers.u8(b, at + 1), dataLength,
                IsoTime.recording(b, at + 18), flags, unit, gap, identifier, systemUse, offset + systemUseStart);
    }

    boolean isDirectory() {
        return (flags & FLAG_DIRECTORY) != 0;
    }

    boolean isMultiExtent() {
        return (flags & FLAG_MULTI_EXTENT) != 0;
    }

    boolean isAssociated() {
        return (flags & FLAG_ASSOCIATED) != 0;
    }

    /** 6.8.2.2: the identifiers 0x00 and 0x01 stand for the directory itself and its parent. */
    boolean isSelf() {
        return identifier.length == 1 && identifier[0] == 0;
    }

    boolean isParent() {
        return identifier.length == 1 && identifier[0] == 1;
    }

    /** The data of this record's extent (after any extended attribute record). */
    FileSection section() {
        return new FileSection((extent + xarBlocks) * IsoVolume.BLOCK_SIZE, dataLength, unitBlocks, gapBlocks);
    }

    /** A short name for error messages: the identifier as recorded. */
    String describe() {
        return "ISO9660 directory record \"" + FileNames.printable(identifier) + "\"";
    }
}
