package dev.vmboot.storage.internal.scan;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.util.Arrays;

import dev.vmboot.api.boot.BootImage;
import dev.vmboot.api.boot.Compression;

/**
 * Reads a whole boot image into memory, decompressing it if asked to, never beyond a size limit. An uncompressed host
 * file is mapped rather than read: a kernel's 60 MiB are then read once, by the copy into guest memory, instead of
 * into the heap first.
 */
final class ImageLoader {

    private ImageLoader() {
    }

    /** Whether {@link #load} unpacks a compressed file (a kernel) or keeps the bytes as they are (an initrd). */
    enum Unpack { DECOMPRESS, AS_IS }

    static BootImage load(String name, SeekableByteChannel channel, long size, long maxBytes, Unpack unpack)
            throws IOException {
        Compression compression = unpack == Unpack.AS_IS ? Compression.NONE
                : CompressionFormat.detect(new ChannelContent(channel).read(0, 8));
        channel.position(0);
        if (compression == Compression.NONE) {
            if (size > maxBytes) {
                throw new IOException(name + ": " + size + " bytes is larger than the " + mib(maxBytes)
                        + " MiB limit on boot images (scanner setting maxImageBytes)");
            }
            if (channel instanceof FileChannel file) {
                try {
                    // Read-only and private to this image; the mapping outlives the channel (FileChannel.map).
                    return new BootImage(name, file.map(FileChannel.MapMode.READ_ONLY, 0, size));
                } catch (IOException | UnsupportedOperationException e) {
                    // A filesystem that cannot map files (some FUSE and network ones): read it instead.
                    channel.position(0);
                }
            }
            ByteBuffer buf = ByteBuffer.allocate((int) size);
            while (buf.hasRemaining() && channel.read(buf) >= 0) {
                // positional reads until full
            }
            if (buf.hasRemaining()) {
                throw new IOException(name + ": file ended after " + buf.position() + " of " + size + " bytes");
            }
            return new BootImage(name, buf.flip());
        }
        try (InputStream in = CompressionFormat.decompress(compression, Channels.newInputStream(channel))) {
            byte[] out = new byte[(int) Math.min(maxBytes + 1, Math.max(1 << 20, Math.min(size * 4, maxBytes + 1)))];
            int length = 0;
            while (true) {
                if (length == out.length) {
                    if (length > maxBytes) {
                        throw new IOException(name + ": decompresses (" + compression.name().toLowerCase()
                                + ") to more than the " + mib(maxBytes)
                                + " MiB limit on boot images (scanner setting maxImageBytes)");
                    }
                    out = Arrays.copyOf(out, (int) Math.min((long) out.length * 2, maxBytes + 1));
                }
                int n = in.read(out, length, out.length - length);
                if (n < 0) {
                    break;
                }
                length += n;
            }
            if (length > maxBytes) {
                throw new IOException(name + ": decompresses (" + compression.name().toLowerCase()
                        + ") to more than the " + mib(maxBytes) + " MiB limit on boot images (scanner setting"
                        + " maxImageBytes)");
            }
            return new BootImage(name, ByteBuffer.wrap(out, 0, length).slice());
        } catch (IOException | RuntimeException e) {
            if (e instanceof IOException && e.getMessage() != null && e.getMessage().startsWith(name + ":")) {
                throw e;
            }
            throw new IOException(name + ": cannot decompress (" + compression.name().toLowerCase() + "): "
                    + e.getMessage(), e);
        }
    }

    private static long mib(long bytes) {
        return bytes >> 20;
    }
}
