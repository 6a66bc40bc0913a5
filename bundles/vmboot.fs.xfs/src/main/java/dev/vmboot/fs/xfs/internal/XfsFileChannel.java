package dev.vmboot.fs.xfs.internal;

import java.io.IOException;
import java.nio.ByteBuffer;

import dev.vmboot.api.fs.CorruptFilesystemException;
import dev.vmboot.api.fs.ReadOnlyFileChannel;
import dev.vmboot.api.storage.BlockDevice;

/**
 * A read-only channel on a regular file: each read is cut at extent boundaries and goes straight from the device
 * into the caller's buffer; holes and unwritten extents read as zeros.
 */
final class XfsFileChannel extends ReadOnlyFileChannel {
    private static final byte[] ZEROS = new byte[64 * 1024];

    private final BlockDevice device;
    private final ExtentMap extents;
    private final int blockLog;
    private final long ino;
    /** The extent the last read ended in, to skip the binary search on sequential reads. */
    private int hint = -1;

    XfsFileChannel(BlockDevice device, ExtentMap extents, int blockLog, long size, long ino) {
        super(size);
        this.device = device;
        this.extents = extents;
        this.blockLog = blockLog;
        this.ino = ino;
    }

    @Override
    protected int readAt(long at, ByteBuffer dst, int max) throws IOException {
        int total = 0;
        while (total < max) {
            long position = at + total;
            long want = max - total;
            long block = position >> blockLog;
            int i = locate(block);
            long chunk;
            if (i >= 0 && block < extents.fileBlock(i) + extents.blockCount(i)) {
                long extentStart = extents.fileBlock(i) << blockLog;
                long extentEnd = extentStart + (extents.blockCount(i) << blockLog);
                chunk = Math.min(want, extentEnd - position);
                if (extents.unwritten(i)) {
                    zeroFill(dst, (int) chunk);
                } else {
                    long devicePos = (extents.deviceBlock(i) << blockLog) + (position - extentStart);
                    readDevice(device, devicePos, dst, (int) chunk);
                }
            } else {
                long nextStart = i + 1 < extents.size() ? extents.fileBlock(i + 1) << blockLog : Long.MAX_VALUE;
                chunk = Math.min(want, nextStart - position);
                zeroFill(dst, (int) chunk);
            }
            total += (int) chunk;
        }
        return total;
    }

    private int locate(long block) {
        int h = hint;
        if (h >= 0 && h < extents.size() && extents.fileBlock(h) <= block
                && (h + 1 == extents.size() || extents.fileBlock(h + 1) > block)) {
            return h;
        }
        if (h + 1 >= 0 && h + 1 < extents.size() && extents.fileBlock(h + 1) <= block
                && (h + 2 == extents.size() || extents.fileBlock(h + 2) > block)) {
            hint = h + 1;
            return h + 1;
        }
        hint = extents.floor(block);
        return hint;
    }

    @Override
    protected CorruptFilesystemException beyondDevice(BlockDevice device, long devicePos) {
        return new CorruptFilesystemException("XFS file data (inode " + ino + ")", devicePos,
                "extent beyond the end of the device: truncated image?");
    }

    private static void zeroFill(ByteBuffer dst, int length) {
        int left = length;
        while (left > 0) {
            int n = Math.min(left, ZEROS.length);
            dst.put(ZEROS, 0, n);
            left -= n;
        }
    }
}
