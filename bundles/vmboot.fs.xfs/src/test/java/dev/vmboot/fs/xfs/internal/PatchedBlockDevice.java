package dev.vmboot.fs.xfs.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.TreeMap;

import dev.vmboot.api.storage.BlockDevice;

/** A device that reads like {@code base} except for some patched byte ranges: corrupts a big image without a copy. */
final class PatchedBlockDevice implements BlockDevice {
    private final BlockDevice base;
    private final TreeMap<Long, byte[]> patches = new TreeMap<>();

    PatchedBlockDevice(BlockDevice base) {
        this.base = base;
    }

    /** Replaces the bytes at {@code offset} (patches must not overlap). */
    PatchedBlockDevice patch(long offset, byte[] bytes) {
        patches.put(offset, bytes.clone());
        return this;
    }

    @Override
    public String name() {
        return base.name() + "+patches";
    }

    @Override
    public long size() {
        return base.size();
    }

    @Override
    public int logicalSectorSize() {
        return base.logicalSectorSize();
    }

    @Override
    public int read(long position, ByteBuffer dst) throws IOException {
        int start = dst.position();
        int n = base.read(position, dst);
        if (n <= 0) {
            return n;
        }
        long end = position + n;
        Map.Entry<Long, byte[]> floor = patches.floorEntry(position);
        Long from = floor != null ? floor.getKey() : position;
        for (Map.Entry<Long, byte[]> p : patches.subMap(from, true, end, false).entrySet()) {
            long pStart = p.getKey();
            byte[] bytes = p.getValue();
            long lo = Math.max(pStart, position);
            long hi = Math.min(pStart + bytes.length, end);
            for (long i = lo; i < hi; i++) {
                dst.put(start + (int) (i - position), bytes[(int) (i - pStart)]);
            }
        }
        return n;
    }

    @Override
    public void close() {
    }
}
