package dev.vmboot.storage.internal.scan;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.util.Arrays;

/** Random access to an uncompressed file through its channel. */
final class ChannelContent implements ContentReader {
    private final SeekableByteChannel channel;

    ChannelContent(SeekableByteChannel channel) {
        this.channel = channel;
    }

    @Override
    public byte[] read(long position, int length) throws IOException {
        byte[] bytes = new byte[length];
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        channel.position(position);
        while (buf.hasRemaining()) {
            if (channel.read(buf) < 0) {
                break;
            }
        }
        return buf.position() == length ? bytes : Arrays.copyOf(bytes, buf.position());
    }
}
