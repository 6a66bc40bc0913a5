package dev.vmboot.linux.image;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.junit.jupiter.api.Test;

import dev.vmboot.api.boot.BootException;
import dev.vmboot.testkit.DebianKernelImages;

/**
 * The header of a Debian amd64 bzImage: the one platforms/qemu/guest/prepare.sh caches (scripts/test runs it first), or
 * /boot/vmlinuz-* on this machine; fails, saying what to run, when neither exists.
 */
class DebianKernelHeaderTest {

    @Test
    void aDebianKernelHasAModernHeaderWithItsPayloadInside() throws IOException, BootException {
        Path path = DebianKernelImages.onThisMachine().bzImage();
        ByteBuffer contents;
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            contents = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
        }
        SetupHeader h = SetupHeader.parse(contents);
        assertTrue(h.version() >= 0x020C, "a 64-bit Debian kernel speaks protocol 2.12+, not " + h.protocol());
        assertTrue(h.has64BitEntry() && h.relocatable(), h.toString());
        assertTrue(h.payloadLength() > 0 && h.protectedModeOffset() + h.payloadOffset() + h.payloadLength()
                <= contents.capacity(), "the payload lies in the file: " + h);
        assertTrue(h.initSize() > contents.capacity() - h.protectedModeOffset(),
                "init_size covers the decompressed kernel: " + h);
    }
}
