package dev.vmboot.fs.iso9660.internal;

/**
 * The data of one directory record: ECMA-119 6.5.1 a file section. Interleaved (6.4.3) sections hold {@code
 * unitBlocks} blocks of data, then skip {@code gapBlocks} blocks, and so on.
 *
 * @param start      device byte offset of the first data byte
 * @param length     bytes of data
 * @param unitBlocks file unit size, 0 if the section is contiguous
 * @param gapBlocks  interleave gap size
 */
record FileSection(long start, long length, int unitBlocks, int gapBlocks) {

    private static final int BLOCK = IsoVolume.BLOCK_SIZE;

    boolean interleaved() {
        return unitBlocks != 0;
    }

    /** The device byte offset of data byte {@code pos} of this section ({@code 0 <= pos < length}). */
    long deviceOffset(long pos) {
        if (!interleaved()) {
            return start + pos;
        }
        long block = pos / BLOCK;
        long units = block / unitBlocks;
        long within = block % unitBlocks;
        return start + (units * (unitBlocks + gapBlocks) + within) * BLOCK + pos % BLOCK;
    }

    /** Bytes from {@code pos} on that lie contiguously on the device. */
    long contiguous(long pos) {
        if (!interleaved()) {
            return length - pos;
        }
        long within = pos / BLOCK % unitBlocks;
        return Math.min(length - pos, (unitBlocks - within) * BLOCK - pos % BLOCK);
    }

    /** The device byte offset just past the last data byte (the start for an empty section). */
    long deviceEnd() {
        return length == 0 ? start : deviceOffset(length - 1) + 1;
    }
}
