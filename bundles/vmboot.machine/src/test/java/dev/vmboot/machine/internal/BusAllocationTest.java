package dev.vmboot.machine.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.vmboot.api.device.GuestLogLimiter;
import dev.vmboot.api.device.MmioDevice;
import dev.vmboot.api.device.PortIoDevice;

/**
 * The buses sit on the vCPU loop's path of every port and MMIO exit: dispatching an access, to a device or to nobody,
 * must not allocate. Measured with the JVM's per-thread allocation counter over many accesses after a warm-up.
 */
class BusAllocationTest {
    private static final int WARM_UP = 20_000;
    private static final int MEASURED = 200_000;
    private static com.sun.management.ThreadMXBean threads;

    /** A device that only counts. */
    private static final class Counter implements PortIoDevice, MmioDevice {
        long accesses;

        @Override
        public int read(int offset, int size) {
            accesses++;
            return offset;
        }

        @Override
        public void write(int offset, int size, int value) {
            accesses++;
        }

        @Override
        public long read(long offset, int size) {
            accesses++;
            return offset;
        }

        @Override
        public void write(long offset, int size, long value) {
            accesses++;
        }
    }

    @BeforeAll
    static void allocationCounter() {
        threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertTrue(threads.isThreadAllocatedMemorySupported(), "this JVM cannot count allocated bytes per thread");
        threads.setThreadAllocatedMemoryEnabled(true);
    }

    /** Bytes this thread allocates in {@link #MEASURED} calls of {@code access}, after {@link #WARM_UP} calls. */
    private static long allocatedBy(Runnable access) {
        for (int i = 0; i < WARM_UP; i++) {
            access.run();
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < MEASURED; i++) {
            access.run();
        }
        return threads.getCurrentThreadAllocatedBytes() - before;
    }

    /** Less than a byte per access on average: one object per access would be 16 bytes or more each. */
    private static void assertNoAllocationPerAccess(String what, long bytes) {
        assertTrue(bytes < MEASURED, what + ": " + bytes + " bytes allocated over " + MEASURED + " accesses");
    }

    @Test
    void portAccessesAllocateNothing() {
        PortIoBus bus = new PortIoBus(GuestLogLimiter.perMinute("VM t"));
        Counter device = new Counter();
        bus.register("a", 0x60, 1, device);
        bus.register("b", 0x510, 2, device);
        bus.register("c", 0x3F8, 8, device);
        assertNoAllocationPerAccess("port write to a device", allocatedBy(() -> bus.write(0x3F8, 1, 'x')));
        assertNoAllocationPerAccess("port read from a device", allocatedBy(() -> bus.read(0x3FD, 1)));
        assertNoAllocationPerAccess("port write to nobody", allocatedBy(() -> bus.write(0x500, 1, 0)));
        assertNoAllocationPerAccess("port read from nobody", allocatedBy(() -> bus.read(0x501, 4)));
        assertTrue(device.accesses > 0);
    }

    @Test
    void mmioAccessesAllocateNothing() {
        MmioBus bus = new MmioBus(GuestLogLimiter.perMinute("VM t"));
        Counter device = new Counter();
        bus.register("a", 0xD000_0000L, 0x1000, device);
        bus.register("b", 0xFED0_0000L, 0x400, device);
        assertNoAllocationPerAccess("MMIO write to a device", allocatedBy(() -> bus.write(0xD000_0010L, 4, 1)));
        assertNoAllocationPerAccess("MMIO read from a device", allocatedBy(() -> bus.read(0xFED0_00F0L, 8)));
        assertNoAllocationPerAccess("MMIO write to nobody", allocatedBy(() -> bus.write(0xE000_0000L, 4, 0)));
        assertNoAllocationPerAccess("MMIO read from nobody", allocatedBy(() -> bus.read(0xE000_1000L, 2)));
        assertTrue(device.accesses > 0);
    }
}
