package dev.vmboot.api.storage;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A read-only random-access view of a disk, a partition or an image file.
 *
 * <p>There is deliberately no write method: vmboot never writes to a disk it scans. Reads are positional, so one
 * device can be shared by several readers and threads.
 */
@ProviderType
public interface BlockDevice extends Closeable {

    /** A human-readable name: {@code /dev/sda}, {@code disk.img}, {@code disk.img:2}. */
    String name();

    /** Size in bytes. */
    long size();

    /** Logical sector size in bytes (512 or 4096). */
    int logicalSectorSize();

    /**
     * Reads up to {@code dst.remaining()} bytes at {@code position}. Returns the number of bytes read, which is
     * smaller only at the end of the device; -1 if {@code position >= size()}.
     */
    int read(long position, ByteBuffer dst) throws IOException;

    /** Fills {@code dst} completely from {@code position}, or throws {@link EOFException}. */
    default void readFully(long position, ByteBuffer dst) throws IOException {
        long pos = position;
        while (dst.hasRemaining()) {
            int n = read(pos, dst);
            if (n < 0) {
                throw new EOFException(name() + ": read past the end at byte " + pos + " (size " + size() + ")");
            }
            pos += n;
        }
    }

    /** Reads {@code length} bytes at {@code position} into a new array. */
    default byte[] readBytes(long position, int length) throws IOException {
        byte[] bytes = new byte[length];
        readFully(position, ByteBuffer.wrap(bytes));
        return bytes;
    }

    /**
     * A window of this device, for example one partition. Closing the slice does not close this device.
     *
     * @throws IllegalArgumentException if the window does not lie inside this device
     */
    default BlockDevice slice(String name, long offset, long length) {
        return new BlockDeviceSlice(this, name, offset, length);
    }
}
