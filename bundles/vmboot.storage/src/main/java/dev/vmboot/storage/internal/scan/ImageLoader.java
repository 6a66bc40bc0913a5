package dev.vmboot.storage.internal.scan;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.util.Arrays;

import dev.vmboot.api.boot.BootImage;
import dev.vmboot.api.boot.Compression;

/** Reads a whole boot image into memory, decompressing it, never beyond a size limit. */
final class ImageLoader {

    private ImageLoader() {
    }

    static BootImage load(String name, SeekableByteChannel channel, long size, long maxBytes) throws IOException {
        byte[] magic = new ChannelContent(channel).read(0, 8);
        Compression compression = CompressionFormat.detect(magic);
        channel.position(0);
        if (compression == Compression.NONE) {
            if (size > maxBytes) {
                throw new IOException(name + ": " + size + " bytes is larger than the " + mib(maxBytes)
                        + " MiB limit on boot images (scanner setting maxImageBytes)");
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
