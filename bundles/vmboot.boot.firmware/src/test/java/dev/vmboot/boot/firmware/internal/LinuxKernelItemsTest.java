package dev.vmboot.boot.firmware.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.vmboot.api.boot.BootException;
import dev.vmboot.api.boot.BootImage;
import dev.vmboot.api.boot.BootOptions;
import dev.vmboot.testkit.TestBzImage;

class LinuxKernelItemsTest {

    /** A bzImage of {@code size} bytes: {@code setupSects} setup sectors after the boot sector, then its kernel. */
    private static byte[] bzImageBytes(int setupSects, int version, int size) {
        TestBzImage bz = new TestBzImage();
        bz.setupSects = setupSects;
        bz.version = version;
        bz.kernelBytes = size - bz.kernelOffset();
        return bz.build();
    }

    private static BootImage bzImage(int setupSects, int version, int size) {
        return new BootImage("bzImage", ByteBuffer.wrap(bzImageBytes(setupSects, version, size)));
    }

    private static int le32(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    @Test
    void theBzImageIsSplitIntoSetupAndKernelAsQemuDoes() throws Exception {
        BootImage kernel = bzImage(27, 0x020F, 64 * 1024);
        BootImage initrd = new BootImage("initrd", ByteBuffer.wrap(new byte[] {1, 2, 3}));
        FwCfgItems items = new FwCfgItems(1L << 30, 1, new byte[16]);
        LinuxKernelItems.add(items, new BootOptions("console=ttyS0 µ", Optional.of(initrd), Optional.of(kernel)));

        int setup = (27 + 1) * 512;
        assertEquals(setup, le32(items.item(LinuxKernelItems.SETUP_SIZE)));
        assertEquals(64 * 1024 - setup, le32(items.item(LinuxKernelItems.KERNEL_SIZE)));
        byte[] all = new byte[64 * 1024];
        kernel.contents().get(0, all);
        assertArrayEquals(Arrays.copyOf(all, setup), items.item(LinuxKernelItems.SETUP_DATA));
        assertArrayEquals(Arrays.copyOfRange(all, setup, all.length), items.item(LinuxKernelItems.KERNEL_DATA));
        assertEquals(3, le32(items.item(LinuxKernelItems.INITRD_SIZE)));
        assertArrayEquals(new byte[] {1, 2, 3}, items.item(LinuxKernelItems.INITRD_DATA));
        byte[] cmdline = "console=ttyS0 µ\0".getBytes(StandardCharsets.UTF_8);
        assertEquals(cmdline.length, le32(items.item(LinuxKernelItems.CMDLINE_SIZE)), "the size counts the NUL");
        assertArrayEquals(cmdline, items.item(LinuxKernelItems.CMDLINE_DATA));
    }

    @Test
    void zeroSetupSectorsMeansFour() throws Exception {
        FwCfgItems items = new FwCfgItems(1L << 30, 1, new byte[16]);
        LinuxKernelItems.add(items, new BootOptions("", Optional.empty(), Optional.of(bzImage(0, 0x020F, 8192))));
        assertEquals(5 * 512, le32(items.item(LinuxKernelItems.SETUP_SIZE)));
        assertEquals(0, items.item(LinuxKernelItems.INITRD_SIZE).length, "no initrd item");
    }

    @Test
    void withoutAKernelNothingIsAddedAndStrayOptionsAreRefused() throws Exception {
        FwCfgItems items = new FwCfgItems(1L << 30, 1, new byte[16]);
        LinuxKernelItems.add(items, BootOptions.none());
        assertEquals(0, items.item(LinuxKernelItems.KERNEL_SIZE).length);
        BootException e = assertThrows(BootException.class,
                () -> LinuxKernelItems.add(items, new BootOptions("quiet", Optional.empty())));
        assertEquals("UEFI firmware takes an initrd or a command line only for a kernel given with --kernel",
                e.getMessage());
    }

    @Test
    void whatIsNotAModernBzImageIsRefused() {
        FwCfgItems items = new FwCfgItems(1L << 30, 1, new byte[16]);
        BootException notBz = assertThrows(BootException.class, () -> LinuxKernelItems.add(items,
                new BootOptions("", Optional.empty(), Optional.of(new BootImage("x.elf", ByteBuffer.allocate(4096))))));
        assertEquals("x.elf: not a Linux bzImage (no \"HdrS\" boot header at 0x202)", notBz.getMessage());
        BootException old = assertThrows(BootException.class, () -> LinuxKernelItems.add(items,
                new BootOptions("", Optional.empty(), Optional.of(bzImage(4, 0x0206, 8192)))));
        assertEquals("bzImage: boot protocol 2.06 is too old for UEFI firmware (2.11 or later has the EFI stub)",
                old.getMessage());
        byte[] noKernel = bzImageBytes(4, 0x020F, 4096);
        noKernel[0x1F1] = (byte) 200; // setup_sects: (200 + 1) * 512 bytes of setup
        BootException tooShort = assertThrows(BootException.class, () -> LinuxKernelItems.add(items,
                new BootOptions("", Optional.empty(), Optional.of(new BootImage("bzImage",
                        ByteBuffer.wrap(noKernel))))));
        assertEquals("bzImage: setup_sects 200 puts the protected-mode kernel at 0x19200, past the end of the "
                + "4096-byte file", tooShort.getMessage());
    }
}
