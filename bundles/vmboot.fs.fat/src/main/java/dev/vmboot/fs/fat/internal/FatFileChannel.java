package dev.vmboot.fs.fat.internal;

import java.io.IOException;
import java.nio.ByteBuffer;

import dev.vmboot.api.fs.CorruptFilesystemException;
import dev.vmboot.api.fs.ReadOnlyFileChannel;
import dev.vmboot.api.storage.BlockDevice;

/**
 * A read-only channel on a file: each read is cut at run boundaries of the (cached) cluster chain and goes straight
 * from the device into the caller's buffer, so a contiguous file is read in the caller's buffer size.
 */
final class FatFileChannel extends ReadOnlyFileChannel {
    private final BlockDevice device;
    private final FatBootSector boot;
    /** Null for an empty file. */
    private final ClusterRuns runs;
    private final String name;
    private final int clusterShift;
    private int hint;

    FatFileChannel(BlockDevice device, FatBootSector boot, ClusterRuns runs, long size, String name) {
        super(size);
        this.device = device;
        this.boot = boot;
        this.runs = runs;
        this.name = name;
        this.clusterShift = Integer.numberOfTrailingZeros(boot.clusterSize());
    }

    @Override
    protected int readAt(long at, ByteBuffer dst, int max) throws IOException {
        int total = 0;
        while (total < max) {
            long position = at + total;
            long index = position >>> clusterShift;
            int run = locate(index);
            long runStartByte = runs.first(run) << clusterShift;
            long runEndByte = runStartByte + (runs.length(run) << clusterShift);
            long chunk = Math.min(max - total, runEndByte - position);
            long devicePos = boot.clusterOffset(runs.start(run)) + (position - runStartByte);
            readDevice(device, devicePos, dst, (int) chunk);
            total += (int) chunk;
        }
        return total;
    }

    private int locate(long index) {
        int h = hint;
        if (runs.first(h) <= index && index < runs.first(h) + runs.length(h)) {
            return h;
        }
        hint = runs.runOf(index);
        return hint;
    }

    @Override
    protected CorruptFilesystemException beyondDevice(BlockDevice device, long devicePos) {
        return new CorruptFilesystemException("FAT file data of \"" + name + "\"", devicePos,
                "cluster beyond the end of the device: truncated image?");
    }
}
