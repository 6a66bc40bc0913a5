package dev.vmboot.fs.iso9660.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.vmboot.api.fs.CorruptFilesystemException;
import dev.vmboot.api.fs.DirectoryBudget;
import dev.vmboot.api.storage.BlockDevice;

/**
 * Collects the SUSP entries of one directory record: those in its system use field and in the continuation areas
 * that CE entries chain on from there (IEEE P1281 SUSP 1.12, 5.1), up to an ST entry (5.4) or the end of each area.
 * Continuation chains are bounded and checked for loops, and the areas they lead to are directory data: each one read
 * counts against the budget of the directory whose listing reads it.
 */
final class SystemUseArea {
    /** Continuation areas followed at most for one record (Linux's isofs: RR_MAX_CE_ENTRIES, fs/isofs/rock.c). */
    static final int MAX_CONTINUATIONS = 32;
    /** SUSP 5.1 CE entry: signature, length 28, version, block (8), offset (8), length (8). */
    private static final int CE_LENGTH = 28;

    private SystemUseArea() {
    }

    /**
     * The entries of {@code record}, in order, without the CE, ST and PD entries that only structure the area.
     *
     * @param skip  bytes to skip at the start of the system use field (the SP entry's LEN_SKP, SUSP 5.3)
     * @param owner names the record for errors
     * @param budget counts the continuation areas read
     */
    static List<SuspEntry> entries(BlockDevice device, DirectoryRecord record, int skip, String owner,
            DirectoryBudget.Directory budget) throws IOException {
        List<SuspEntry> out = new ArrayList<>();
        byte[] area = record.systemUse();
        long areaOffset = record.systemUseOffset();
        int start = skip;
        Set<Long> visited = new HashSet<>();
        visited.add(areaOffset);
        for (int continuation = 0; ; continuation++) {
            SuspEntry ce = parseArea(area, start, areaOffset, owner, out);
            if (ce == null) {
                return out;
            }
            if (continuation >= MAX_CONTINUATIONS) {
                throw new CorruptFilesystemException("Rock Ridge continuation entry (CE) of " + owner, ce.offset(),
                        "more than " + MAX_CONTINUATIONS + " continuation areas: a loop?");
            }
            String structure = "Rock Ridge continuation entry (CE) of " + owner;
            byte[] b = ce.bytes();
            long block = IsoNumbers.both32(b, 4, "block location", structure, ce.offset());
            long offset = IsoNumbers.both32(b, 12, "offset", structure, ce.offset());
            long length = IsoNumbers.both32(b, 20, "length", structure, ce.offset());
            // Linux's isofs (fs/isofs/rock.c) refuses continuation areas that leave their block; so does this.
            if (offset + length > IsoVolume.BLOCK_SIZE) {
                throw new CorruptFilesystemException(structure, ce.offset(), "continuation area of " + length
                        + " bytes at offset " + offset + " does not fit its " + IsoVolume.BLOCK_SIZE + "-byte block");
            }
            long at = block * IsoVolume.BLOCK_SIZE + offset;
            if (at + length > device.size()) {
                throw new CorruptFilesystemException(structure, ce.offset(), "continuation area at byte " + at
                        + " lies beyond the end of the device (" + device.size() + " bytes)");
            }
            if (!visited.add(at)) {
                throw new CorruptFilesystemException(structure, ce.offset(), "points back to the area at byte " + at
                        + " already read for this record: a continuation loop");
            }
            budget.read(length);
            area = device.readBytes(at, (int) length);
            areaOffset = at;
            start = 0;
        }
    }

    /** Adds the entries of one area to {@code out}; returns its CE entry, or null. */
    private static SuspEntry parseArea(byte[] area, int start, long areaOffset, String owner, List<SuspEntry> out)
            throws CorruptFilesystemException {
        SuspEntry ce = null;
        int pos = start;
        while (area.length - pos >= SuspEntry.HEADER) {
            if (area[pos] == 0) {
                break; // padding to the even record length (ECMA-119 9.1.13) or a zero-filled area end
            }
            int length = IsoNumbers.u8(area, pos + 2);
            String signature = new String(area, pos, 2, StandardCharsets.ISO_8859_1);
            if (length < SuspEntry.HEADER || pos + length > area.length) {
                throw new CorruptFilesystemException("SUSP entry \"" + FileNames.printable(
                        new byte[] {area[pos], area[pos + 1]}) + "\" of " + owner, areaOffset + pos, "length "
                        + length + " does not fit the " + (area.length - pos) + " bytes left in its area");
            }
            byte[] bytes = java.util.Arrays.copyOfRange(area, pos, pos + length);
            SuspEntry entry = new SuspEntry(signature, IsoNumbers.u8(area, pos + 3), bytes, areaOffset + pos);
            pos += length;
            switch (signature) {
                case "ST":
                    return ce;
                case "CE":
                    if (length < CE_LENGTH) {
                        throw new CorruptFilesystemException("Rock Ridge continuation entry (CE) of " + owner,
                                entry.offset(), "length " + length + ", not " + CE_LENGTH);
                    }
                    ce = entry;
                    break;
                case "PD":
                    break;
                default:
                    out.add(entry);
            }
        }
        return ce;
    }
}
