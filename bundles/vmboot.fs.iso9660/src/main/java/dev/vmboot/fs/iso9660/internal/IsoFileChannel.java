package dev.vmboot.fs.iso9660.internal;

import java.io.IOException;
import java.nio.ByteBuffer;

import dev.vmboot.api.fs.CorruptFilesystemException;
import dev.vmboot.api.fs.ReadOnlyFileChannel;
import dev.vmboot.api.storage.BlockDevice;

/**
 * A plain (uncompressed) file: each read is cut where the data stops being contiguous on the device (a section's end,
 * an interleave gap) and goes straight from the device into the caller's buffer.
 */
final class IsoFileChannel extends ReadOnlyFileChannel {
    private final BlockDevice device;
    private final FileExtents extents;
    private final String owner;

    /** @param owner names the file for errors */
    IsoFileChannel(BlockDevice device, FileExtents extents, String owner) {
        super(extents.size());
        this.device = device;
        this.extents = extents;
        this.owner = owner;
    }

    @Override
    protected int readAt(long at, ByteBuffer dst, int max) throws IOException {
        int chunk = (int) Math.min(max, extents.contiguous(at));
        long devicePos = extents.deviceOffset(at);
        readDevice(device, devicePos, dst, chunk);
        return chunk;
    }

    @Override
    protected CorruptFilesystemException beyondDevice(BlockDevice device, long devicePos) {
        return beyondDevice(device, devicePos, owner);
    }

    /** The error for data of the file {@code owner} that lies past the end of {@code device}, at {@code devicePos}. */
    static CorruptFilesystemException beyondDevice(BlockDevice device, long devicePos, String owner) {
        return new CorruptFilesystemException(owner, devicePos, "data beyond the end of the device (" + device.size()
                + " bytes): truncated image?");
    }
}
