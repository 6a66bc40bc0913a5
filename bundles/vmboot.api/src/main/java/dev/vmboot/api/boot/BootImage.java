package dev.vmboot.api.boot;

import java.nio.ByteBuffer;

/**
 * The (decompressed) bytes of something to boot.
 *
 * @param name     where it came from, for messages
 * @param contents the image, positioned at 0; read-only
 */
public record BootImage(String name, ByteBuffer contents) {
    public BootImage {
        contents = contents.asReadOnlyBuffer();
    }

    public long size() {
        return contents.capacity();
    }
}
