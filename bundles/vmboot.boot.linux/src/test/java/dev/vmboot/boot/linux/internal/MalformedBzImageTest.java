package dev.vmboot.boot.linux.internal;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import dev.vmboot.api.boot.BootException;

class MalformedBzImageTest {

    private static void assertRefused(byte[] file, String expected) {
        BootException e = assertThrows(BootException.class, () -> BzImage.parse(ByteBuffer.wrap(file)));
        assertTrue(e.getMessage().contains(expected), () -> "expected '" + expected + "' in: " + e.getMessage());
    }

    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void headersAreChecked() {
        assertRefused(new byte[0x300], "HdrS");
        assertRefused(new byte[10], "HdrS");
        byte[] f = new TestBzImage().build();
        assertRefused(Arrays.copyOf(f, 0x240), "truncated");
        f = new TestBzImage().build();
        f[0x201] = 0x10; // header would end at 0x212, before cmdline_size
        assertRefused(f, "before cmdline_size");
        TestBzImage old = new TestBzImage();
        old.version = 0x0205;
        assertRefused(old.build(), "older than 2.06");
        f = new TestBzImage().build();
        le(f).putShort(0x1FE, (short) 0);
        assertRefused(f, "boot_flag");
        TestBzImage zimage = new TestBzImage();
        zimage.loadflags = 0;
        assertRefused(zimage.build(), "LOADED_HIGH");
    }

    @Test
    void sizesMustFitTheFile() {
        byte[] f = new TestBzImage().build();
        f[0x1F1] = (byte) 200; // setup code past the end of the file
        assertRefused(f, "setup_sects 200");
        f = new TestBzImage().build();
        le(f).putInt(0x1F4, 0x1000_0000);
        assertRefused(f, "syssize");
        f = new TestBzImage().build();
        le(f).putInt(0x1F4, -1);
        assertRefused(f, "syssize");
    }

    @Test
    void setupSectsZeroMeansFour() throws BootException {
        TestBzImage bz = new TestBzImage();
        bz.setupSects = 0;
        BzImage parsed = BzImage.parse(ByteBuffer.wrap(bz.build()));
        assertTrue(parsed.kernelOffset() == 5 * 512 && parsed.kernelSize() == bz.kernelBytes);
    }
}
