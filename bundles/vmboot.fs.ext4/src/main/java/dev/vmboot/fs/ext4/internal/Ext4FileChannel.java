package dev.vmboot.fs.ext4.internal;

import java.io.IOException;
import java.nio.ByteBuffer;

import dev.vmboot.api.fs.ReadOnlyFileChannel;
import dev.vmboot.api.storage.BlockDevice;

/**
 * A regular file read through its block map: each read goes run by run, a mapped run straight from the device into
 * the caller's buffer in one positional read, a hole or unwritten run as zeros.
 */
final class Ext4FileChannel extends ReadOnlyFileChannel {
    private static final byte[] ZEROS = new byte[64 * 1024];

    private final BlockDevice device;
    private final BlockMap map;
    private final int blockSize;

    Ext4FileChannel(Ext4Volume volume, BlockMap map, long size) {
        super(size);
        this.device = volume.device();
        this.map = map;
        this.blockSize = volume.blockSize();
    }

    @Override
    protected int readAt(long at, ByteBuffer dst, int max) throws IOException {
        int done = 0;
        while (done < max) {
            long pos = at + done;
            BlockMap.Run run = map.find(pos / blockSize);
            long within = pos % blockSize;
            long runBytes = run.length() > (Long.MAX_VALUE / blockSize) ? Long.MAX_VALUE
                    : run.length() * blockSize - within;
            int n = (int) Math.min(max - done, runBytes);
            if (run.hole()) {
                zeros(dst, n);
            } else {
                ByteBuffer part = dst.slice();
                part.limit(n);
                device.readFully(run.physical() * blockSize + within, part);
                dst.position(dst.position() + n);
            }
            done += n;
        }
        return done;
    }

    private static void zeros(ByteBuffer dst, int n) {
        if (dst.hasArray()) {
            int start = dst.arrayOffset() + dst.position();
            java.util.Arrays.fill(dst.array(), start, start + n, (byte) 0);
            dst.position(dst.position() + n);
            return;
        }
        int left = n;
        while (left > 0) {
            int k = Math.min(left, ZEROS.length);
            dst.put(ZEROS, 0, k);
            left -= k;
        }
    }
}
