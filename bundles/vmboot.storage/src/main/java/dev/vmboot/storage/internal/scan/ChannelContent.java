package dev.vmboot.storage.internal.scan;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.util.Arrays;

/**
 * Random access to an uncompressed file through its channel. A read allocates no more than the file holds from where
 * it starts, whatever length a header asked for.
 */
final class ChannelContent implements ContentReader {
    private final SeekableByteChannel channel;

    ChannelContent(SeekableByteChannel channel) {
        this.channel = channel;
    }

    @Override
    public byte[] read(long position, int length) throws IOException {
        long available = Math.max(0, channel.size() - position);
        byte[] bytes = new byte[(int) Math.min(length, available)];
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        channel.position(position);
        while (buf.hasRemaining()) {
            if (channel.read(buf) < 0) {
                break;
            }
        }
        return buf.position() == bytes.length ? bytes : Arrays.copyOf(bytes, buf.position());
    }
}
