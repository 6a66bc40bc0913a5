package dev.vmboot.boot.linux.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;

import dev.vmboot.api.boot.BootException;
import dev.vmboot.api.boot.BootImage;
import dev.vmboot.api.boot.BootOptions;
import dev.vmboot.testkit.TestBzImage;

/** The split into setup and kernel, and the load address; the header's own checks are vmboot.linux.image's. */
class BzImageTest {

    @Test
    void setupSectsZeroMeansFour() throws BootException {
        TestBzImage bz = new TestBzImage();
        bz.setupSects = 0;
        BzImage parsed = BzImage.parse(ByteBuffer.wrap(bz.build()));
        assertEquals(5 * 512, parsed.kernelOffset());
        assertEquals(bz.kernelBytes, parsed.kernelSize());
    }

    @Test
    void prefAddressIsUsedWhenRelocatableAndAligned() throws BootException {
        TestBzImage bz = new TestBzImage();
        assertEquals(0x100_0000, BzImage.parse(ByteBuffer.wrap(bz.build())).preferedAddress());
        bz.prefAddress = 0x8_0000; // below 1 MiB
        assertEquals(0x10_0000, BzImage.parse(ByteBuffer.wrap(bz.build())).preferedAddress());
        bz.prefAddress = 0x100_0000;
        bz.kernelAlignment = 0x30_0000; // not a power of two
        assertEquals(0x10_0000, BzImage.parse(ByteBuffer.wrap(bz.build())).preferedAddress());
    }

    @Test
    void aRefusedHeaderIsReportedWithTheImageName() {
        TestBzImage zimage = new TestBzImage();
        zimage.loadflags = 0;
        BootException e = assertThrows(BootException.class, () -> new LinuxBootProtocol().load(
                new BootImage("zImage", ByteBuffer.wrap(zimage.build())), BootOptions.none(),
                LinuxBootProtocolTest.machine(1L << 30, 1)));
        assertEquals("zImage: loadflags lacks LOADED_HIGH: a zImage loaded at 0x10000 is not supported",
                e.getMessage());
        assertEquals(0, new LinuxBootProtocol().probe(new BootImage("zImage", ByteBuffer.wrap(zimage.build()))));
    }
}
