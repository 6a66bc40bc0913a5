package dev.vmboot.fs.xfs.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import dev.vmboot.api.fs.CorruptFilesystemException;

/**
 * Lists and searches a directory in any of its forms. Listing reads the data section (everything below
 * {@link DirectoryBlocks#LEAF_OFFSET}), which is the same for block, leaf, node and btree directories. Lookup hashes
 * the name ({@link DirectoryHash}) and follows the block directory's leaf, the leaf1 block, or the da btree down to
 * a leafn block, then reads the data entries the matching hashes point to.
 */
final class XfsDirectory {
    // xfs_da_format.h: 16-bit magics in struct xfs_da_blkinfo
    static final int DA_NODE_MAGIC_V4 = 0xfebe;
    static final int DA_NODE_MAGIC_V5 = 0x3ebe;
    static final int LEAF1_MAGIC_V4 = 0xd2f1;
    static final int LEAF1_MAGIC_V5 = 0x3df1;
    static final int LEAFN_MAGIC_V4 = 0xd2ff;
    static final int LEAFN_MAGIC_V5 = 0x3dff;
    /** xfs_da_format.h XFS_DA_NODE_MAXDEPTH. */
    static final int DA_MAX_DEPTH = 5;

    private final XfsVolume volume;
    private final XfsSuperblock sb;
    private final XfsInode dir;

    XfsDirectory(XfsVolume volume, XfsInode dir) {
        this.volume = volume;
        this.sb = volume.superblock();
        this.dir = dir;
    }

    /** All entries except {@code .} and {@code ..}, in on-disk order. */
    List<DirectoryEntry> entries() throws IOException {
        List<DirectoryEntry> all;
        if (dir.format() == XfsInode.FMT_LOCAL) {
            all = ShortformDirectory.entries(dir, sb, volume.directoryBudget().directory("XFS shortform directory"
                    + " (inode " + dir.ino() + ")"));
        } else {
            all = dataEntries(new DirectoryBlocks(volume, dir));
        }
        List<DirectoryEntry> out = new ArrayList<>(all.size());
        for (DirectoryEntry e : all) {
            if (e.isDotOrDotDot()) {
                continue;
            }
            if (e.inode() == dir.ino()) {
                throw new CorruptFilesystemException("XFS directory (inode " + dir.ino() + ")", dir.offset(),
                        "entry '" + e.nameString() + "' points back to the directory itself");
            }
            out.add(e);
        }
        return out;
    }

    private List<DirectoryEntry> dataEntries(DirectoryBlocks blocks) throws IOException {
        ExtentMap map = blocks.map();
        int dirLog = sb.dirBlockLog();
        long leafStart = blocks.leafFirstBlock() << dirLog;
        List<DirectoryEntry> out = new ArrayList<>();
        long lastDb = -1;
        boolean blockForm = false;
        for (int i = 0; i < map.size() && map.fileBlock(i) < leafStart; i++) {
            long end = Math.min(map.fileBlock(i) + map.blockCount(i), leafStart);
            for (long fb = map.fileBlock(i); fb < end; fb++) {
                long db = fb >> dirLog;
                if (db == lastDb) {
                    continue;
                }
                if (blockForm) {
                    throw new CorruptFilesystemException("XFS block directory (inode " + dir.ino() + ")",
                            dir.offset(), "has more than one data block");
                }
                lastDb = db;
                DirectoryBlocks.Block b = blocks.read(db);
                if (b == null) {
                    throw new CorruptFilesystemException("XFS directory (inode " + dir.ino() + ")", dir.offset(),
                            "data block " + db + " is mapped by an unwritten extent");
                }
                int magic = BigEndian.getInt(b.data(), 0);
                blockForm = db == 0 && (magic == DirectoryDataBlock.BLOCK_MAGIC_V5
                        || magic == DirectoryDataBlock.BLOCK_MAGIC_V4);
                if (blockForm) {
                    blocks.verifyDir3Header(b, DirectoryDataBlock.BLOCK_MAGIC_V5, DirectoryDataBlock.BLOCK_MAGIC_V4,
                            "block");
                } else {
                    blocks.verifyDir3Header(b, DirectoryDataBlock.DATA_MAGIC_V5, DirectoryDataBlock.DATA_MAGIC_V4,
                            "data");
                }
                int entriesEnd = DirectoryDataBlock.entriesEnd(b, blockForm, sb, dir.ino());
                DirectoryDataBlock.entries(b, entriesEnd, sb, dir.ino(), blocks.budget(), out);
            }
        }
        return out;
    }

    /** The entry called {@code name}, if any. */
    Optional<DirectoryEntry> find(byte[] name) throws IOException {
        if (dir.format() == XfsInode.FMT_LOCAL || sb.asciiCaseInsensitive()) {
            return scan(name);
        }
        if (new DirectoryEntry(name, 0).isDotOrDotDot()) {
            return Optional.empty();
        }
        DirectoryBlocks blocks = new DirectoryBlocks(volume, dir);
        int hash = DirectoryHash.of(name);
        DirectoryBlocks.Block leaf = blocks.read(blocks.leafFirstBlock());
        if (leaf == null) {
            return findInBlockForm(blocks, name, hash);
        }
        int magic = blocks.verifyDaHeader(leaf, "leaf", LEAF1_MAGIC_V5, LEAF1_MAGIC_V4, LEAFN_MAGIC_V5,
                LEAFN_MAGIC_V4, DA_NODE_MAGIC_V5, DA_NODE_MAGIC_V4);
        int depth = 0;
        int expectedLevel = -1;
        while (magic == DA_NODE_MAGIC_V5 || magic == DA_NODE_MAGIC_V4) {
            byte[] d = leaf.data();
            int hdr = sb.isV5() ? 64 : 16;
            int count = BigEndian.getU16(d, hdr - (sb.isV5() ? 8 : 4));
            int level = BigEndian.getU16(d, hdr - (sb.isV5() ? 6 : 2));
            String structure = "XFS directory da-node block " + leaf.dirBlock() + " (inode " + dir.ino() + ")";
            if (++depth > DA_MAX_DEPTH || level < 1 || level > DA_MAX_DEPTH
                    || expectedLevel >= 0 && level != expectedLevel) {
                throw new CorruptFilesystemException(structure, leaf.deviceOffset(), "level " + level
                        + " at depth " + depth + " (a loop?)");
            }
            if (count < 1 || hdr + count * 8 > d.length) {
                throw new CorruptFilesystemException(structure, leaf.deviceOffset(), "bad entry count " + count);
            }
            long child = -1;
            for (int i = 0; i < count; i++) {
                if (Integer.compareUnsigned(BigEndian.getInt(d, hdr + i * 8), hash) >= 0) {
                    child = BigEndian.getU32(d, hdr + i * 8 + 4);
                    break;
                }
            }
            if (child < 0) {
                return Optional.empty();
            }
            leaf = readDaBlock(blocks, child, structure, leaf);
            expectedLevel = level - 1;
            magic = blocks.verifyDaHeader(leaf, expectedLevel == 0 ? "leafn" : "da-node",
                    expectedLevel == 0 ? new int[] {LEAFN_MAGIC_V5, LEAFN_MAGIC_V4}
                            : new int[] {DA_NODE_MAGIC_V5, DA_NODE_MAGIC_V4});
        }
        boolean leafN = magic == LEAFN_MAGIC_V5 || magic == LEAFN_MAGIC_V4;
        // Equal hashes may continue in the next leafn block: follow forw, at most once per leaf-section block.
        long maxLeaves = blocks.leafSectionBlocks();
        for (long hops = 0; hops <= maxLeaves; hops++) {
            LeafScan scan = scanLeaf(blocks, leaf, leafN, name, hash);
            if (scan.found != null) {
                return checked(scan.found);
            }
            if (!leafN || !scan.mayContinue) {
                return Optional.empty();
            }
            long forw = BigEndian.getU32(leaf.data(), 0);
            if (forw == 0) {
                return Optional.empty();
            }
            String structure = "XFS directory leafn block " + leaf.dirBlock() + " (inode " + dir.ino() + ")";
            leaf = readDaBlock(blocks, forw, structure, leaf);
            blocks.verifyDaHeader(leaf, "leafn", LEAFN_MAGIC_V5, LEAFN_MAGIC_V4);
        }
        throw new CorruptFilesystemException("XFS directory leaf chain (inode " + dir.ino() + ")", dir.offset(),
                "longer than the directory");
    }

    private Optional<DirectoryEntry> checked(DirectoryEntry e) throws CorruptFilesystemException {
        if (e.inode() == dir.ino()) {
            throw new CorruptFilesystemException("XFS directory (inode " + dir.ino() + ")", dir.offset(),
                    "entry '" + e.nameString() + "' points back to the directory itself");
        }
        return Optional.of(e);
    }

    private DirectoryBlocks.Block readDaBlock(DirectoryBlocks blocks, long dablk, String structure,
            DirectoryBlocks.Block from) throws IOException {
        long db = dablk >> sb.dirBlockLog();
        if ((dablk & ((1L << sb.dirBlockLog()) - 1)) != 0 || db < blocks.leafFirstBlock()
                || db << (sb.blockLog() + sb.dirBlockLog()) >= DirectoryBlocks.FREE_OFFSET || db == from.dirBlock()) {
            throw new CorruptFilesystemException(structure, from.deviceOffset(), "points to block " + dablk
                    + " outside the leaf section or to itself");
        }
        DirectoryBlocks.Block b = blocks.read(db);
        if (b == null) {
            throw new CorruptFilesystemException(structure, from.deviceOffset(), "points to hole " + dablk);
        }
        return b;
    }

    private record LeafScan(DirectoryEntry found, boolean mayContinue) {
    }

    private LeafScan scanLeaf(DirectoryBlocks blocks, DirectoryBlocks.Block leaf, boolean leafN, byte[] name,
            int hash) throws IOException {
        byte[] d = leaf.data();
        int hdr = sb.isV5() ? 64 : 16;
        int count = BigEndian.getU16(d, sb.isV5() ? 56 : 12);
        int limit = d.length;
        if (!leafN) {
            long bests = BigEndian.getU32(d, d.length - 4);
            limit = (int) Math.max(-1, d.length - 4 - bests * 2);
        }
        if (hdr + (long) count * 8 > limit) {
            throw new CorruptFilesystemException("XFS directory leaf block " + leaf.dirBlock() + " (inode "
                    + dir.ino() + ")", leaf.deviceOffset(), count + " entries do not fit");
        }
        return searchHashes(blocks, d, hdr, count, name, hash);
    }

    private Optional<DirectoryEntry> findInBlockForm(DirectoryBlocks blocks, byte[] name, int hash)
            throws IOException {
        DirectoryBlocks.Block b = blocks.read(0);
        if (b == null) {
            return Optional.empty();
        }
        blocks.verifyDir3Header(b, DirectoryDataBlock.BLOCK_MAGIC_V5, DirectoryDataBlock.BLOCK_MAGIC_V4, "block");
        int start = DirectoryDataBlock.entriesEnd(b, true, sb, dir.ino());
        int count = (b.data().length - DirectoryDataBlock.BLOCK_TAIL - start) / 8;
        DirectoryEntry found = searchHashes(blocks, b.data(), start, count, name, hash).found;
        return found == null ? Optional.empty() : checked(found);
    }

    /**
     * Binary-searches {@code count} {@code struct xfs_dir2_leaf_entry}s (hashval, address) at {@code at} for
     * {@code hash}, and checks each live match's data entry.
     */
    private LeafScan searchHashes(DirectoryBlocks blocks, byte[] d, int at, int count, byte[] name, int hash)
            throws IOException {
        int lo = 0;
        int hi = count;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Integer.compareUnsigned(BigEndian.getInt(d, at + mid * 8), hash) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        int i = lo;
        for (; i < count && BigEndian.getInt(d, at + i * 8) == hash; i++) {
            blocks.budget().record();
            long address = BigEndian.getU32(d, at + i * 8 + 4);
            if (address == 0) {
                continue; // stale entry, XFS_DIR2_NULL_DATAPTR
            }
            DirectoryEntry e = dataEntry(blocks, address << 3);
            if (e != null && Arrays.equals(e.name(), name)) {
                return new LeafScan(e, false);
            }
        }
        return new LeafScan(null, i == count && count > 0);
    }

    private DirectoryEntry dataEntry(DirectoryBlocks blocks, long byteOffset) throws IOException {
        int dirShift = sb.blockLog() + sb.dirBlockLog();
        long db = byteOffset >> dirShift;
        int pos = (int) (byteOffset & ((1L << dirShift) - 1));
        String structure = "XFS directory leaf entry (inode " + dir.ino() + ")";
        if (byteOffset >= DirectoryBlocks.LEAF_OFFSET) {
            throw new CorruptFilesystemException(structure, dir.offset(), "address " + byteOffset
                    + " outside the data section");
        }
        DirectoryBlocks.Block b = blocks.read(db);
        if (b == null) {
            throw new CorruptFilesystemException(structure, dir.offset(), "address " + byteOffset + " in a hole");
        }
        int magic = BigEndian.getInt(b.data(), 0);
        if (db == 0 && (magic == DirectoryDataBlock.BLOCK_MAGIC_V5 || magic == DirectoryDataBlock.BLOCK_MAGIC_V4)) {
            blocks.verifyDir3Header(b, DirectoryDataBlock.BLOCK_MAGIC_V5, DirectoryDataBlock.BLOCK_MAGIC_V4, "block");
        } else {
            blocks.verifyDir3Header(b, DirectoryDataBlock.DATA_MAGIC_V5, DirectoryDataBlock.DATA_MAGIC_V4, "data");
        }
        DirectoryEntry e = DirectoryDataBlock.entryAt(b, pos, sb);
        if (e == null) {
            throw new CorruptFilesystemException(structure, b.deviceOffset() + pos, "hash leaf points at no entry");
        }
        return e;
    }

    private Optional<DirectoryEntry> scan(byte[] name) throws IOException {
        for (DirectoryEntry e : entries()) {
            if (sb.asciiCaseInsensitive() ? asciiEqualsIgnoreCase(e.name(), name) : Arrays.equals(e.name(), name)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    private static boolean asciiEqualsIgnoreCase(byte[] a, byte[] b) {
        if (a.length != b.length) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            int x = a[i] >= 'A' && a[i] <= 'Z' ? a[i] + 32 : a[i];
            int y = b[i] >= 'A' && b[i] <= 'Z' ? b[i] + 32 : b[i];
            if (x != y) {
                return false;
            }
        }
        return true;
    }
}
