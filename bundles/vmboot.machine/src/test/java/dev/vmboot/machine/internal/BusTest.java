package dev.vmboot.machine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.vmboot.api.device.GuestLogLimiter;
import dev.vmboot.api.device.MmioDevice;
import dev.vmboot.api.device.PortIoDevice;
import dev.vmboot.platform.PortIoRange;
import dev.vmboot.testkit.LogLineCapture;

class BusTest {

    /** Records accesses as "r/w offset size value" and answers reads with offset * 0x11. */
    static final class Recorder implements PortIoDevice, MmioDevice {
        final List<String> log = new ArrayList<>();

        @Override
        public int read(int offset, int size) {
            log.add("r " + offset + " " + size);
            return 0x7FFF_FF00 | offset * 0x11;
        }

        @Override
        public void write(int offset, int size, int value) {
            log.add("w " + offset + " " + size + " " + Integer.toHexString(value));
        }

        @Override
        public long read(long offset, int size) {
            log.add("r " + offset + " " + size);
            return 0x1122_3344_5566_7788L;
        }

        @Override
        public void write(long offset, int size, long value) {
            log.add("w " + offset + " " + size + " " + Long.toHexString(value));
        }
    }

    @Test
    void portAccessesReachTheDeviceWithOffsetsAndMaskedValues() {
        PortIoBus bus = new PortIoBus(GuestLogLimiter.perMinute("VM t"));
        Recorder com1 = new Recorder();
        Recorder cmos = new Recorder();
        bus.register("com1", 0x3F8, 8, com1);
        bus.register("cmos", 0x70, 2, cmos);
        bus.write(0x3F8, 1, 0x1241);
        bus.write(0x71, 2, 0xABCD1234);
        assertEquals(0x44, bus.read(0x3FC, 1));
        assertEquals(0xFF11, bus.read(0x71, 2));
        assertEquals(List.of("w 0 1 41", "r 4 1"), com1.log);
        assertEquals(List.of("w 1 2 1234", "r 1 2"), cmos.log);
    }

    @Test
    void unhandledPortsReadAllOnes() {
        PortIoBus bus = new PortIoBus(GuestLogLimiter.perMinute("VM t"));
        bus.register("com1", 0x3F8, 8, new Recorder());
        assertEquals(0xFF, bus.read(0x3F7, 1));
        assertEquals(0xFFFF, bus.read(0x400, 2));
        assertEquals(-1, bus.read(0xCFC, 4));
        bus.write(0x80, 1, 0x12); // ignored, no exception
    }

    @Test
    void overlappingPortRangesAreRejected() {
        PortIoBus bus = new PortIoBus(GuestLogLimiter.perMinute("VM t"));
        bus.register("com1", 0x3F8, 8, new Recorder());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> bus.register("other", 0x3FF, 2, new Recorder()));
        assertEquals("other at ports 0x3ff-0x400 overlaps com1 at 0x3f8-0x3ff", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> bus.register("big", 0x300, 0x100, new Recorder()));
        assertThrows(IllegalArgumentException.class, () -> bus.register("edge", 0xFFFF, 2, new Recorder()));
        bus.register("adjacent", 0x400, 1, new Recorder());
        bus.register("below", 0x3F0, 8, new Recorder());
        assertEquals(List.of("below@0x3f0+8", "com1@0x3f8+8", "adjacent@0x400+1"), bus.describe());
    }

    @Test
    void unregisteredRangesStopAnswering() {
        PortIoBus bus = new PortIoBus(GuestLogLimiter.perMinute("VM t"));
        Recorder pm = new Recorder();
        bus.register("pm", 0xB000, 64, pm);
        assertEquals(0x88, bus.read(0xB008, 1));
        assertTrue(bus.unregister(0xB000, pm));
        assertFalse(bus.unregister(0xB000, pm));
        assertEquals(0xFF, bus.read(0xB008, 1));
        bus.register("pm", 0xC000, 64, pm);
        assertEquals(0x88, bus.read(0xC008, 1));
    }

    /** Issue 11, item 9: a guest moved the PM block onto port 0x80 (refused), then away; 0x80 must stay. */
    @Test
    void aRangeIsRemovedOnlyByItsOwner() {
        PortIoBus bus = new PortIoBus(GuestLogLimiter.perMinute("VM t"));
        Recorder post = new Recorder();
        Recorder pm = new Recorder();
        bus.register("post", 0x80, 1, post);
        assertThrows(IllegalArgumentException.class, () -> bus.register("pm", 0x80, 64, pm));
        assertFalse(bus.unregister(0x80, pm), "the PM block never got 0x80: it cannot remove it");
        assertEquals(List.of("post@0x80+1"), bus.describe());
        assertTrue(bus.unregister(0x80, post));
    }

    @Test
    void aFailingDeviceDoesNotStopTheBus() {
        PortIoBus bus = new PortIoBus(GuestLogLimiter.perMinute("VM t"));
        bus.register("broken", 0x500, 1, new PortIoDevice() {
            @Override
            public int read(int offset, int size) {
                throw new IllegalStateException("boom");
            }

            @Override
            public void write(int offset, int size, int value) {
                throw new IllegalStateException("boom");
            }
        });
        assertEquals(0xFF, bus.read(0x500, 1));
        bus.write(0x500, 1, 1);
    }

    @Test
    void mmioDispatchMaskAndOverlap() {
        MmioBus bus = new MmioBus(GuestLogLimiter.perMinute("VM t"));
        Recorder dev = new Recorder();
        bus.register("dev", 0xD000_0000L, 0x1000, dev);
        bus.write(0xD000_0010L, 4, 0xAABB_CCDD_1122_3344L);
        assertEquals(0x7788, bus.read(0xD000_0FFEL, 2));
        assertEquals(0x1122_3344_5566_7788L, bus.read(0xD000_0000L, 8));
        assertEquals(List.of("w 16 4 11223344", "r 4094 2", "r 0 8"), dev.log);
        assertEquals(0xFFFF_FFFFL, bus.read(0xD000_1000L, 4));
        assertEquals(-1L, bus.read(0xCFFF_FFF8L, 8));
        assertThrows(IllegalArgumentException.class, () -> bus.register("x", 0xCFFF_F000L, 0x1001, dev));
        assertThrows(IllegalArgumentException.class, () -> bus.register("x", 0xD000_0800L, 1, dev));
        bus.register("next", 0xD000_1000L, 0x1000, dev);
        assertFalse(bus.unregister(0xD000_0000L, new Recorder()), "only the owner removes its range");
        assertEquals(0x88, bus.read(0xD000_0010L, 1));
        assertTrue(bus.unregister(0xD000_0000L, dev));
        assertFalse(bus.unregister(0xD000_0000L, dev));
        assertEquals(0xFF, bus.read(0xD000_0010L, 1));
    }

    @Test
    void unhandledAccessLogIsBounded() {
        UnhandledAccessLog log = new UnhandledAccessLog(org.slf4j.LoggerFactory.getLogger(BusTest.class), "test",
                GuestLogLimiter.perMinute("VM t"));
        for (long a = 0; a < 10_000; a++) {
            log.record(a, 1, false, 0);
            log.record(a, 1, false, 0);
        }
        assertEquals(UnhandledAccessLog.LIMIT, log.addressesSeen());
    }

    /** A device with a bug the guest can reach on every access. */
    private static final class Broken implements PortIoDevice, MmioDevice {
        @Override
        public int read(int offset, int size) {
            throw new IllegalStateException("boom");
        }

        @Override
        public void write(int offset, int size, int value) {
            throw new IllegalStateException("boom");
        }

        @Override
        public long read(long offset, int size) {
            throw new IllegalStateException("boom");
        }

        @Override
        public void write(long offset, int size, long value) {
            throw new IllegalStateException("boom");
        }
    }

    @Test
    void aDeviceFailingOnEveryAddressLogsAFewHundredLinesAtMost() {
        GuestLogLimiter machine = GuestLogLimiter.perMinute("VM t");
        PortIoBus ports = new PortIoBus(machine);
        MmioBus mmio = new MmioBus(machine);
        ports.register("broken", 0x1000, 0x1000, new Broken());
        mmio.register("broken", 0xD000_0000L, 0x10_0000, new Broken());
        try (LogLineCapture log = LogLineCapture.all()) {
            for (int i = 0; i < 0x1000; i++) {
                ports.write(0x1000 + i, 1, 0);
                assertEquals(0xFF, ports.read(0x1000 + i, 1));
                mmio.write(0xD000_0000L + 8L * i, 8, 0);
                assertEquals(-1L, mmio.read(0xD000_0000L + 8L * i, 8));
            }
            // One machine, one budget and a summary line; a stack trace once per bus.
            assertTrue(log.records().size() <= GuestLogLimiter.DEFAULT_LINES + 1, log.records().size()
                    + " lines logged");
            assertEquals(2, log.lines().stream().filter(l -> l.equals("java.lang.IllegalStateException: boom"))
                    .count(), "stack traces");
        }
    }

    @Test
    void aGuestMovingThePmBlockOntoOtherPortsInALoopLogsAFewHundredLinesAtMost() {
        PortIoBus bus = new PortIoBus(GuestLogLimiter.perMinute("VM t"));
        Recorder post = new Recorder();
        Recorder pm = new Recorder();
        bus.register("post", 0x80, 1, post);
        PortIoRange onPost = new PortIoRange("piix4-pm", 0x80, 64, pm);
        PortIoRange away = new PortIoRange("piix4-pm", 0xB000, 64, pm);
        try (LogLineCapture log = LogLineCapture.all()) {
            for (int i = 0; i < 10_000; i++) {
                bus.move(null, onPost); // refused: it overlaps the POST port
                bus.move(onPost, away);
                bus.move(away, null);
            }
            assertTrue(log.records().size() <= GuestLogLimiter.DEFAULT_LINES + 1, log.records().size()
                    + " lines logged");
        }
        assertEquals(List.of("post@0x80+1"), bus.describe());
    }
}
