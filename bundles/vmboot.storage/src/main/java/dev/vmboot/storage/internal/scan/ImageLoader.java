package dev.vmboot.storage.internal.scan;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;

import dev.vmboot.api.boot.BootImage;
import dev.vmboot.api.boot.Compression;

/**
 * Reads a whole boot image into memory, decompressing it if asked to, never beyond a size limit. An uncompressed host
 * file is mapped rather than read: a kernel's 60 MiB are then read once, by the copy into guest memory, instead of
 * into the heap first. A compressed one is decompressed twice, first only to count its length: memory is then that
 * length, allocated once, and a file that unpacks beyond the limit is refused having allocated none of it.
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
        try {
            // Counted first, holding nothing, so that an output bomb is refused before any of its output is kept;
            // then read into a buffer of exactly that size.
            long length = decompressedLength(channel, compression, maxBytes);
            if (length > maxBytes) {
                throw new IOException(name + ": decompresses (" + compression.name().toLowerCase()
                        + ") to more than the " + mib(maxBytes) + " MiB limit on boot images (scanner setting"
                        + " maxImageBytes)");
            }
            byte[] out = new byte[(int) length];
            channel.position(0);
            try (InputStream in = CompressionFormat.decompress(compression, leftOpen(channel))) {
                int n = in.readNBytes(out, 0, out.length);
                if (n != out.length || in.read() >= 0) {
                    throw new IOException(name + ": decompressed to " + n + " bytes the second time, "
                            + length + " the first: the file changed while it was read");
                }
            }
            return new BootImage(name, ByteBuffer.wrap(out));
        } catch (IOException | RuntimeException e) {
            if (e instanceof IOException && e.getMessage() != null && e.getMessage().startsWith(name + ":")) {
                throw e;
            }
            throw new IOException(name + ": cannot decompress (" + compression.name().toLowerCase() + "): "
                    + e.getMessage(), e);
        }
    }

    /** The decompressed length of the file behind {@code channel}, counted up to {@code maxBytes + 1}. */
    private static long decompressedLength(SeekableByteChannel channel, Compression compression, long maxBytes)
            throws IOException {
        channel.position(0);
        try (InputStream in = CompressionFormat.decompress(compression, leftOpen(channel))) {
            byte[] scratch = new byte[64 * 1024];
            long length = 0;
            while (length <= maxBytes) {
                int n = in.read(scratch, 0, (int) Math.min(scratch.length, maxBytes + 1 - length));
                if (n < 0) {
                    break;
                }
                length += n;
            }
            return length;
        }
    }

    /** The channel's bytes from its position, as a stream whose closing leaves the channel open for another pass. */
    private static InputStream leftOpen(SeekableByteChannel channel) {
        return new FilterInputStream(Channels.newInputStream(channel)) {
            @Override
            public void close() {
                // The caller closes the channel.
            }
        };
    }

    private static long mib(long bytes) {
        return bytes >> 20;
    }
}
