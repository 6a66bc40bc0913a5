package dev.vmboot.fs.ext4.internal;

import java.nio.ByteBuffer;

import dev.vmboot.api.fs.ReadOnlyFileChannel;

/** A file whose bytes live in its inode ({@code inline_data}: {@code i_block} and the {@code system.data} attribute). */
final class InlineFileChannel extends ReadOnlyFileChannel {
    private final byte[] data;

    InlineFileChannel(byte[] data) {
        super(data.length);
        this.data = data;
    }

    @Override
    protected int readAt(long at, ByteBuffer dst, int max) {
        dst.put(data, (int) at, max);
        return max;
    }
}
