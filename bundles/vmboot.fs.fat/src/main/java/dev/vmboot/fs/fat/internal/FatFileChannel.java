package dev.vmboot.fs.fat.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;

import dev.vmboot.api.fs.CorruptFilesystemException;
import dev.vmboot.api.storage.BlockDevice;

/**
 * A read-only channel on a file: each read is cut at run boundaries of the (cached) cluster chain and goes straight
 * from the device into the caller's buffer, so a contiguous file is read in the caller's buffer size.
 */
final class FatFileChannel implements SeekableByteChannel {
    private final BlockDevice device;
    private final FatBootSector boot;
    /** Null for an empty file. */
    private final ClusterRuns runs;
    private final long size;
    private final String name;
    private final int clusterShift;
    private long position;
    private boolean open = true;
    private int hint;

    FatFileChannel(BlockDevice device, FatBootSector boot, ClusterRuns runs, long size, String name) {
        this.device = device;
        this.boot = boot;
        this.runs = runs;
        this.size = size;
        this.name = name;
        this.clusterShift = Integer.numberOfTrailingZeros(boot.clusterSize());
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        ensureOpen();
        if (position >= size) {
            return -1;
        }
        int total = 0;
        while (dst.hasRemaining() && position < size) {
            long index = position >>> clusterShift;
            int run = locate(index);
            long runStartByte = runs.first(run) << clusterShift;
            long runEndByte = runStartByte + (runs.length(run) << clusterShift);
            long chunk = Math.min(Math.min(dst.remaining(), size - position), runEndByte - position);
            long devicePos = boot.clusterOffset(runs.start(run)) + (position - runStartByte);
            readDevice(devicePos, dst, (int) chunk);
            position += chunk;
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

    private void readDevice(long devicePos, ByteBuffer dst, int length) throws IOException {
        int limit = dst.limit();
        dst.limit(dst.position() + length);
        try {
            long pos = devicePos;
            while (dst.hasRemaining()) {
                int n = device.read(pos, dst);
                if (n < 0) {
                    throw new CorruptFilesystemException("FAT file data of \"" + name + "\"", pos,
                            "cluster beyond the end of the device: truncated image?");
                }
                pos += n;
            }
        } finally {
            dst.limit(limit);
        }
    }

    @Override
    public int write(ByteBuffer src) {
        throw new NonWritableChannelException();
    }

    @Override
    public long position() throws IOException {
        ensureOpen();
        return position;
    }

    @Override
    public SeekableByteChannel position(long newPosition) throws IOException {
        ensureOpen();
        if (newPosition < 0) {
            throw new IllegalArgumentException("negative position " + newPosition);
        }
        position = newPosition;
        return this;
    }

    @Override
    public long size() throws IOException {
        ensureOpen();
        return size;
    }

    @Override
    public SeekableByteChannel truncate(long newSize) {
        throw new NonWritableChannelException();
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() {
        open = false;
    }

    private void ensureOpen() throws ClosedChannelException {
        if (!open) {
            throw new ClosedChannelException();
        }
    }
}
