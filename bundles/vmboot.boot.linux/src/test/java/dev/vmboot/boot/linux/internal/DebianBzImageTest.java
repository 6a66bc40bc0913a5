package dev.vmboot.boot.linux.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.vmboot.api.boot.BootException;
import dev.vmboot.api.boot.BootImage;
import dev.vmboot.api.boot.BootOptions;
import dev.vmboot.linux.image.SetupHeader;
import dev.vmboot.testkit.DebianKernelImages;
import dev.vmboot.testkit.RecordingMachine;

/**
 * A Debian amd64 bzImage: the one platforms/qemu/guest/prepare.sh caches (scripts/test runs it first), or
 * /boot/vmlinuz-* on this machine; fails, saying what to run, when neither exists.
 */
class DebianBzImageTest {

    @Test
    void debianKernelLoadsWithTheSixtyFourBitEntry() throws IOException, BootException {
        Path path = DebianKernelImages.onThisMachine().bzImage();
        ByteBuffer contents;
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            contents = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
        }
        BootImage image = new BootImage(path.toString(), contents);
        LinuxBootProtocol linux = new LinuxBootProtocol();
        assertEquals(LinuxBootProtocol.BZIMAGE_SCORE, linux.probe(image));
        BzImage bz = BzImage.parse(contents);
        SetupHeader h = bz.header();
        assertTrue(h.version() >= 0x020C, "a 64-bit Debian kernel speaks protocol 2.12+");
        assertTrue(h.has64BitEntry());
        assertTrue(h.relocatable());
        assertEquals(0x100_0000, bz.preferedAddress(), "CONFIG_PHYSICAL_START");
        assertTrue(h.initSize() > bz.kernelSize(), "init_size covers the decompressed kernel");

        RecordingMachine vm = LinuxBootProtocolTest.machine(1L << 30, 2);
        linux.load(image, new BootOptions("console=ttyS0", Optional.empty()), vm);
        assertEquals(0x100_0200, vm.cpuState().rip());
        byte[] first = new byte[4096];
        contents.duplicate().get((int) bz.kernelOffset(), first);
        assertArrayEquals(first, vm.memory().read(0x100_0000, 4096));
        assertEquals(0xFF, vm.memory().readByte(0x7000 + 0x210) & 0xFF);
        assertEquals(0x5372_6448, vm.memory().readInt(0x7000 + 0x202), "HdrS copied into the zero page");
    }
}
