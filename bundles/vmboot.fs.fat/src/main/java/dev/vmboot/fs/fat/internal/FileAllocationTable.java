package dev.vmboot.fs.fat.internal;

import java.io.IOException;
import java.nio.ByteBuffer;

import dev.vmboot.api.fs.CorruptFilesystemException;
import dev.vmboot.api.storage.BlockDevice;

/**
 * The first FAT, read lazily in 64 KiB pages and kept: memory is bounded by the part of the FAT that describes the
 * volume's clusters. Follows cluster chains with a bound, so a chain that loops, leaves the volume, meets a free or
 * bad cluster, or is longer than its owner allows is reported as corruption.
 */
final class FileAllocationTable {
    private static final int PAGE_SHIFT = 16;
    private static final int PAGE_SIZE = 1 << PAGE_SHIFT;

    private final BlockDevice device;
    private final FatBootSector boot;
    private final FatType type;
    private final long bytes;
    private final byte[][] pages;

    FileAllocationTable(BlockDevice device, FatBootSector boot) {
        this.device = device;
        this.boot = boot;
        this.type = boot.type();
        this.bytes = type.bytesFor(boot.clusterCount() + 2);
        this.pages = new byte[(int) ((bytes + PAGE_SIZE - 1) >>> PAGE_SHIFT)][];
    }

    /** The FAT entry of {@code cluster} (2..clusterCount+1), top 4 bits masked on FAT32. */
    long entry(long cluster) throws IOException {
        switch (type) {
            case FAT12: {
                long offset = cluster + (cluster >>> 1);
                int v = byteAt(offset) | byteAt(offset + 1) << 8;
                return (cluster & 1) != 0 ? v >>> 4 : v & 0xFFF;
            }
            case FAT16:
                return byteAt(cluster * 2) | byteAt(cluster * 2 + 1) << 8;
            default: {
                long offset = cluster * 4;
                long v = byteAt(offset) | byteAt(offset + 1) << 8 | byteAt(offset + 2) << 16
                        | (long) byteAt(offset + 3) << 24;
                return v & 0x0FFF_FFFFL;
            }
        }
    }

    private int byteAt(long offset) throws IOException {
        int page = (int) (offset >>> PAGE_SHIFT);
        byte[] p = pages[page];
        if (p == null) {
            p = load(page);
        }
        return p[(int) (offset & (PAGE_SIZE - 1))] & 0xFF;
    }

    private synchronized byte[] load(int page) throws IOException {
        byte[] p = pages[page];
        if (p == null) {
            long start = (long) page << PAGE_SHIFT;
            p = new byte[(int) Math.min(PAGE_SIZE, bytes - start)];
            device.readFully(boot.fatOffset() + start, ByteBuffer.wrap(p));
            pages[page] = p;
        }
        return p;
    }

    /**
     * Follows the chain from {@code first}.
     *
     * @param maxClusters the most clusters the owner may have (the file size's worth, the directory size limit);
     *                    never more than the volume's cluster count, so a loop always ends in an exception
     * @param owner       what the chain belongs to, for messages
     */
    ClusterRuns chain(long first, long maxClusters, String owner) throws IOException {
        long last = boot.clusterCount() + 1;
        long bound = Math.min(maxClusters, boot.clusterCount());
        if (first < 2 || first > last) {
            throw new CorruptFilesystemException("FAT chain of " + owner, -1,
                    "first cluster " + first + " outside 2.." + last);
        }
        ClusterRuns runs = new ClusterRuns();
        long cluster = first;
        while (true) {
            if (runs.clusters() >= bound) {
                throw new CorruptFilesystemException("FAT chain of " + owner, entryOffset(cluster),
                        "longer than " + bound + " clusters (a loop, or more than its size allows)");
            }
            runs.add(cluster);
            long next = entry(cluster);
            if (next >= type.endOfChain()) {
                return runs;
            }
            if (next == type.badCluster()) {
                throw new CorruptFilesystemException("FAT chain of " + owner, entryOffset(cluster),
                        "cluster " + cluster + " links to a bad cluster");
            }
            if (next < 2 || next > last) {
                throw new CorruptFilesystemException("FAT chain of " + owner, entryOffset(cluster),
                        "cluster " + cluster + " links to " + (next < 2 ? "free/reserved " : "out-of-volume ")
                                + "cluster " + next);
            }
            cluster = next;
        }
    }

    /** Device byte offset of the FAT entry of {@code cluster}, for messages. */
    private long entryOffset(long cluster) {
        return boot.fatOffset() + cluster * type.bits() / 8;
    }
}
