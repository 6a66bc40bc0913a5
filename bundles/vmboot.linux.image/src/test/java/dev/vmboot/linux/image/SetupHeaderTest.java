package dev.vmboot.linux.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import dev.vmboot.api.boot.BootException;
import dev.vmboot.testkit.TestBzImage;

class SetupHeaderTest {

    private static SetupHeader parse(byte[] file) throws BootException {
        return SetupHeader.parse(ByteBuffer.wrap(file));
    }

    private static void assertRefused(byte[] file, String expected) {
        BootException e = assertThrows(BootException.class, () -> parse(file));
        assertTrue(e.getMessage().contains(expected), () -> "expected '" + expected + "' in: " + e.getMessage());
    }

    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void everyFieldIsReadFromItsOffset() throws BootException {
        TestBzImage bz = new TestBzImage();
        bz.setupSects = 27;
        bz.initrdAddrMax = 0x37FF_FFFFL;
        bz.cmdlineSize = 0xFFFF_FFFEL;
        bz.prefAddress = 0x1_0000_0000L;
        bz.initSize = 0x8765_4321L;
        bz.kernelBytes = 0x1000;
        bz.payload = new byte[] {1, 2, 3, 4, 5, 6, 7, 8};
        bz.payloadOffset = 0x30;
        SetupHeader h = parse(bz.build());
        assertEquals(new SetupHeader(0x26C, 27, 0x020F, 0x37FF_FFFFL, 0x20_0000, true, 1, 0xFFFF_FFFEL, 0x30, 8,
                0x1_0000_0000L, 0x8765_4321L), h);
        assertEquals(28 * 512, h.protectedModeOffset());
        assertTrue(h.has64BitEntry());
        assertEquals("2.15", h.protocol());
        assertTrue(SetupHeader.hasMagic(ByteBuffer.wrap(bz.build())));
    }

    @Test
    void setupSectsZeroMeansFour() throws BootException {
        TestBzImage bz = new TestBzImage();
        bz.setupSects = 0;
        SetupHeader h = parse(bz.build());
        assertEquals(4, h.setupSects());
        assertEquals(5 * 512, h.protectedModeOffset());
    }

    @Test
    void fieldsNewerThanTheProtocolReadAsZero() throws BootException {
        TestBzImage bz = new TestBzImage();
        bz.version = 0x0206;
        bz.payload = new byte[16];
        SetupHeader h = parse(bz.build());
        assertEquals("2.06", h.protocol());
        assertEquals(0, h.xloadflags(), "xloadflags: 2.12");
        assertFalse(h.has64BitEntry());
        assertEquals(0, h.payloadLength(), "payload_length: 2.08");
        assertEquals(0, h.prefAddress(), "pref_address: 2.10");
        assertEquals(0, h.initSize(), "init_size: 2.10");
        assertEquals(0x7FF, h.cmdlineSize(), "cmdline_size: 2.06");

        bz.version = 0x0209;
        h = parse(bz.build());
        assertEquals(16, h.payloadLength());
        assertEquals(0, h.initSize());
    }

    @Test
    void fieldsPastTheEndOfTheHeaderReadAsZero() throws BootException {
        byte[] f = new TestBzImage().build();
        f[0x201] = (byte) (0x250 - 0x202); // the header ends after payload_length, before pref_address
        SetupHeader h = parse(f);
        assertEquals(0x250, h.end());
        assertEquals(0, h.prefAddress());
        assertEquals(0, h.initSize());
        assertTrue(h.has64BitEntry(), "xloadflags lies inside");
    }

    @Test
    void headersAreChecked() {
        assertRefused(new byte[0x300], "HdrS");
        assertRefused(new byte[10], "HdrS");
        BootException e = assertThrows(BootException.class, () -> parse(new byte[4096]));
        assertEquals("not a Linux bzImage (no \"HdrS\" boot header at 0x202)", e.getMessage());
        byte[] f = new TestBzImage().build();
        assertRefused(Arrays.copyOf(f, 0x240), "truncated");
        f = new TestBzImage().build();
        f[0x201] = 0x10; // header would end at 0x212, before cmdline_size
        assertRefused(f, "before cmdline_size");
        TestBzImage old = new TestBzImage();
        old.version = 0x0205;
        assertRefused(old.build(), "boot protocol 2.05 is older than 2.06");
        f = new TestBzImage().build();
        le(f).putShort(0x1FE, (short) 0);
        assertRefused(f, "boot_flag is 0x0000, not 0xAA55");
        TestBzImage zimage = new TestBzImage();
        zimage.loadflags = 0;
        assertRefused(zimage.build(), "LOADED_HIGH");
    }

    @Test
    void sizesMustFitTheFile() {
        byte[] f = new TestBzImage().build();
        f[0x1F1] = (byte) 200; // setup code past the end of the file
        assertRefused(f, "setup_sects 200 puts the protected-mode kernel at 0x19200, past the end of the "
                + f.length + "-byte file");
        f = new TestBzImage().build();
        le(f).putInt(0x1F4, 0x1000_0000);
        assertRefused(f, "syssize");
        f = new TestBzImage().build();
        le(f).putInt(0x1F4, -1);
        assertRefused(f, "syssize 0xffffffff");
    }

    @Test
    void onlyTheCapacityCountsNotThePosition() throws BootException {
        ByteBuffer b = ByteBuffer.wrap(new TestBzImage().build());
        b.position(0x300).limit(0x400);
        assertEquals(0x26C, SetupHeader.parse(b).end());
        assertEquals(0x300, b.position(), "the caller's buffer is left as it was");
    }
}
