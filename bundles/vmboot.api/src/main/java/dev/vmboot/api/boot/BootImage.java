package dev.vmboot.api.boot;

import java.nio.ByteBuffer;

/**
 * The (decompressed) bytes of something to boot.
 *
 * @param name     where it came from, for messages
 * @param contents the image, positioned at 0; read-only (a host file may be mapped, not copied)
 */
public record BootImage(String name, ByteBuffer contents) {
    public BootImage {
        contents = contents.asReadOnlyBuffer();
    }

    /** The image as a read-only buffer of its own, positioned at 0: readers never move each other's position. */
    @Override
    public ByteBuffer contents() {
        return contents.duplicate();
    }

    public long size() {
        return contents.capacity();
    }
}
