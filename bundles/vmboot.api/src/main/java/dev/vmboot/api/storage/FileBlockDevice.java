package dev.vmboot.api.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A {@link BlockDevice} over an image file or a device node, opened read-only ({@code O_RDONLY}). Positional reads
 * go straight to {@link FileChannel#read(ByteBuffer, long)}, which is thread-safe.
 */
public final class FileBlockDevice implements BlockDevice {
    private final String name;
    private final FileChannel channel;
    private final long size;
    private final int sectorSize;

    private FileBlockDevice(String name, FileChannel channel, long size, int sectorSize) {
        this.name = name;
        this.channel = channel;
        this.size = size;
        this.sectorSize = sectorSize;
    }

    /** Opens an image file; its size is the file's size, its sector size 512. */
    public static FileBlockDevice open(Path file) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        return new FileBlockDevice(file.toString(), ch, ch.size(), 512);
    }

    /**
     * Opens a device node whose size and logical sector size are known from elsewhere ({@code /sys/class/block}):
     * {@code stat} reports size 0 for block devices.
     */
    public static FileBlockDevice open(Path node, long size, int logicalSectorSize) throws IOException {
        if (logicalSectorSize != 512 && logicalSectorSize != 4096) {
            throw new IOException(node + ": unsupported logical sector size " + logicalSectorSize);
        }
        return new FileBlockDevice(node.toString(), FileChannel.open(node, StandardOpenOption.READ), size,
                logicalSectorSize);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public int logicalSectorSize() {
        return sectorSize;
    }

    @Override
    public int read(long position, ByteBuffer dst) throws IOException {
        if (position < 0) {
            throw new IllegalArgumentException("negative position " + position);
        }
        if (position >= size) {
            return -1;
        }
        if (dst.remaining() > size - position) {
            ByteBuffer limited = dst.slice().limit((int) (size - position));
            int n = channel.read(limited, position);
            if (n > 0) {
                dst.position(dst.position() + n);
            }
            return n;
        }
        return channel.read(dst, position);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    @Override
    public String toString() {
        return name;
    }
}
