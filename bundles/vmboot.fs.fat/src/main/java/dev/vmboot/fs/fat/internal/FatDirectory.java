package dev.vmboot.fs.fat.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.LongUnaryOperator;

import dev.vmboot.api.fs.CorruptFilesystemException;
import dev.vmboot.api.fs.DirectoryBudget;
import dev.vmboot.api.fs.DirectoryBudgetException;

/**
 * The entries of one directory, parsed from its bytes (fatgen103 "FAT Directory Structure" and "FAT Long Directory
 * Entries"): 32-byte 8.3 entries, each optionally preceded by a set of long-name entries in reverse order. A long
 * name is used only when its set is complete, in sequence, and carries the checksum of the 8.3 name that follows;
 * otherwise the 8.3 name stands (as fatgen103 asks of a reader that finds an orphaned set).
 *
 * @param entries the files and subdirectories, without {@code .} and {@code ..}, in on-disk order
 * @param label   the volume label entry's text (meaningful in the root only), empty if none
 */
record FatDirectory(List<FatNode> entries, String label) {

    static final int ENTRY_SIZE = 32;
    /** fatgen103: a directory holds at most 65536 entries (so 2 MiB). */
    static final int MAX_ENTRIES = 65536;
    /** DIR_Name[0]: this and every following entry are free. */
    private static final int END_MARKER = 0x00;
    /** DIR_Name[0]: the entry is deleted. */
    private static final int DELETED = 0xE5;
    /** ATTR_LONG_NAME = READ_ONLY|HIDDEN|SYSTEM|VOLUME_ID, compared under ATTR_LONG_NAME_MASK 0x3F. */
    private static final int ATTR_LONG_NAME = 0x0F;
    private static final int ATTR_LONG_NAME_MASK = 0x3F;
    /** LDIR_Ord: bit 6 marks the last (first on disk) entry of a set; at most 20 entries of 13 characters. */
    private static final int LAST_LONG_ENTRY = 0x40;
    private static final int MAX_LONG_ENTRIES = 20;
    private static final int CHARS_PER_LONG_ENTRY = 13;
    /** Where LDIR_Name1 (5 chars), LDIR_Name2 (6) and LDIR_Name3 (2) hold their UCS-2 characters. */
    private static final int[] LONG_NAME_CHAR_OFFSETS = {1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30};

    /**
     * @param data          the directory's bytes (a multiple of 32; stops at the first end marker)
     * @param deviceOffset  device byte offset of a byte index in {@code data}, for node ids and messages
     * @param ownCluster    the directory's first cluster (0 for the fixed root), to refuse entries pointing back
     * @param rootCluster   the root directory's cluster (FAT32) or 0
     * @param childDepth    the depth of the entries
     * @param fat32         whether DIR_FstClusHI counts (FAT32 only)
     * @param records       counts every 32-byte slot examined
     */
    static FatDirectory parse(byte[] data, LongUnaryOperator deviceOffset, long ownCluster, long rootCluster,
            int childDepth, boolean fat32, DirectoryBudget.Directory records)
            throws CorruptFilesystemException, DirectoryBudgetException {
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        List<FatNode> nodes = new ArrayList<>();
        String label = "";
        char[] longName = null;
        int nextSequence = 0;
        int longChecksum = -1;
        int entries = Math.min(data.length / ENTRY_SIZE, MAX_ENTRIES);
        for (int i = 0; i < entries; i++) {
            records.record();
            int at = i * ENTRY_SIZE;
            int first = data[at] & 0xFF;
            if (first == END_MARKER) {
                break;
            }
            if (first == DELETED) {
                longName = null;
                continue;
            }
            int attributes = data[at + 11] & 0xFF;
            if ((attributes & ATTR_LONG_NAME_MASK) == ATTR_LONG_NAME) {
                int sequence = first & 0x1F;
                int checksum = data[at + 13] & 0xFF;
                if ((first & LAST_LONG_ENTRY) != 0) {
                    if (sequence == 0 || sequence > MAX_LONG_ENTRIES) {
                        longName = null;
                        continue;
                    }
                    longName = new char[sequence * CHARS_PER_LONG_ENTRY];
                    longChecksum = checksum;
                } else if (longName == null || sequence != nextSequence || checksum != longChecksum) {
                    longName = null; // out of order: an orphan, fall back to the 8.3 names
                    continue;
                }
                int base = (sequence - 1) * CHARS_PER_LONG_ENTRY;
                for (int k = 0; k < CHARS_PER_LONG_ENTRY; k++) {
                    longName[base + k] = b.getChar(at + LONG_NAME_CHAR_OFFSETS[k]);
                }
                nextSequence = sequence - 1;
                continue;
            }
            char[] pendingLong = longName;
            longName = null;
            if ((attributes & FatNode.ATTR_VOLUME_ID) != 0) {
                if ((attributes & FatNode.ATTR_DIRECTORY) == 0 && label.isEmpty()) {
                    byte[] raw = new byte[11];
                    System.arraycopy(data, at, raw, 0, 11);
                    label = ShortName.decodeLabel(raw);
                }
                continue;
            }
            if (first == '.' && isDotName(data, at)) {
                continue;
            }
            String name = null;
            if (pendingLong != null && nextSequence == 0 && longChecksum == ShortName.checksum(data, at)) {
                name = longNameText(pendingLong);
            }
            if (name == null) {
                name = ShortName.decode(data, at, data[at + 12]);
            }
            long cluster = (b.getShort(at + 26) & 0xFFFF) | (fat32 ? (long) (b.getShort(at + 20) & 0xFFFF) << 16 : 0);
            long size = b.getInt(at + 28) & 0xFFFF_FFFFL;
            long offset = deviceOffset.applyAsLong(at);
            boolean directory = (attributes & FatNode.ATTR_DIRECTORY) != 0;
            if (directory) {
                if (cluster == 0 || cluster == ownCluster || cluster == rootCluster) {
                    throw new CorruptFilesystemException("FAT directory entry \"" + name + "\"", offset,
                            "subdirectory starts at cluster " + cluster
                                    + (cluster == 0 ? "" : ", its own directory or the root: a cycle"));
                }
                size = 0;
            }
            nodes.add(new FatNode(name, attributes, cluster, size,
                    FatTimestamp.of(b.getShort(at + 24) & 0xFFFF, b.getShort(at + 22) & 0xFFFF), offset, childDepth));
        }
        return new FatDirectory(Collections.unmodifiableList(nodes), label);
    }

    private static boolean isDotName(byte[] data, int at) {
        // "." and ".." are the only names starting with a dot (fatgen103: "." is 0x2E followed by spaces)
        for (int k = 1; k < 11; k++) {
            byte c = data[at + k];
            if (c != ' ' && !(k == 1 && c == '.')) {
                return false;
            }
        }
        return true;
    }

    /** The text up to a NUL, or null if empty or holding a character Linux refuses in a name ('/' or NUL). */
    private static String longNameText(char[] chars) {
        int n = 0;
        while (n < chars.length && chars[n] != 0) {
            n++;
        }
        if (n == 0) {
            return null;
        }
        String s = new String(chars, 0, n);
        return s.indexOf('/') >= 0 || s.equals(".") || s.equals("..") ? null : s;
    }
}
