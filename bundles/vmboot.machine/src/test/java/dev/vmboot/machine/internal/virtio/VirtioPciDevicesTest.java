package dev.vmboot.machine.internal.virtio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.vmboot.api.device.GuestLogLimiter;
import dev.vmboot.api.device.MmioDevice;
import dev.vmboot.api.memory.MemoryRegion;
import dev.vmboot.api.virtio.Virtqueue;
import dev.vmboot.memory.RegionGuestMemory;
import dev.vmboot.platform.PciFunction;
import dev.vmboot.platform.PciHostBridge;
import dev.vmboot.platform.PciInterruptRouting;
import dev.vmboot.platform.PciRootBus;
import dev.vmboot.api.vm.Personality;
import dev.vmboot.testkit.LogLineCapture;

/** Devices placed on the root bus, their BARs followed onto the MMIO bus and their doorbells onto notify addresses. */
class VirtioPciDevicesTest {

    private final List<String> events = Collections.synchronizedList(new ArrayList<>());
    private final List<Integer> gsis = new ArrayList<>();

    private final VirtioPciDevices.MmioSpace mmio = new VirtioPciDevices.MmioSpace() {
        @Override
        public void map(String name, long base, long length, MmioDevice device) {
            events.add("map " + name + " " + Long.toHexString(base) + "+" + Long.toHexString(length));
        }

        @Override
        public void unmap(long base, MmioDevice device) {
            events.add("unmap " + Long.toHexString(base));
        }
    };

    private final VirtioPciDevices.DoorbellWiring wiring = new VirtioPciDevices.DoorbellWiring() {
        @Override
        public Doorbell create() {
            return new LatchDoorbell();
        }

        @Override
        public void connect(Doorbell doorbell, long address) {
            events.add("connect " + Long.toHexString(address));
        }

        @Override
        public void disconnect(Doorbell doorbell, long address) {
            events.add("disconnect " + Long.toHexString(address));
        }
    };

    private static Virtqueue noQueue(int index, QueueRegisters r, dev.vmboot.api.memory.GuestMemory m, long f) {
        throw new IllegalArgumentException("not in this test");
    }

    private VirtioPciDevices attach(PciRootBus bus, List<dev.vmboot.api.virtio.VirtioDevice> devices)
            throws IOException {
        return VirtioPciDevices.attach("vmboot-t", devices,
                RegionGuestMemory.onHeap(new MemoryRegion(0, 1 << 20, false)), bus, mmio, wiring, (a, d) -> { },
                gsi -> {
                    gsis.add(gsi);
                    return level -> { };
                }, VirtioPciDevicesTest::noQueue, GuestLogLimiter.perMinute("VM t"));
    }

    @Test
    void devicesTakeTheFreeSlotsWithPreassignedBarsAndTheirRoutedGsis() throws IOException {
        PciRootBus bus = new PciRootBus();
        bus.add(0, 0, new PciHostBridge(Personality.CLOUD_HV));
        FakeVirtioDevice a = new FakeVirtioDevice();
        FakeVirtioDevice b = new FakeVirtioDevice();
        try (VirtioPciDevices set = attach(bus, List.of(a, b))) {
            PciFunction first = bus.function(1, 0).orElseThrow();
            PciFunction second = bus.function(2, 0).orElseThrow();
            assertEquals(set.functions(), List.of(first, second));
            assertEquals(VirtioPciDevices.BAR_WINDOW_BASE + 0x8000, first.barMapping(0).address());
            assertEquals(VirtioPciDevices.BAR_WINDOW_BASE + 0x10000, second.barMapping(0).address());
            assertFalse(first.barMapping(0).decoded(), "memory decoding stays off until the guest enables it");
            assertEquals(List.of(PciInterruptRouting.gsi(1, 0), PciInterruptRouting.gsi(2, 0)), gsis);
            assertEquals(List.of(), events);
        }
    }

    @Test
    void theBarIsMappedWhereItDecodesAndMovedWithItsDoorbells() throws IOException {
        PciRootBus bus = new PciRootBus();
        FakeVirtioDevice device = new FakeVirtioDevice();
        try (VirtioPciDevices set = attach(bus, List.of(device))) {
            PciFunction f = set.functions().get(0);
            f.writeConfig(PciFunction.COMMAND, 2, PciFunction.COMMAND_MEMORY);
            assertEquals(List.of("map vmboot-t-virtio-blk0 c0000000+8000", "connect c0003000", "connect c0003004"),
                    events);
            events.clear();
            f.writeConfig(PciFunction.BAR0, 4, 0x8000_0000);
            f.writeConfig(PciFunction.BAR0 + 4, 4, 0x1);
            assertTrue(events.containsAll(List.of("unmap c0000000", "disconnect c0003000", "disconnect c0003004")),
                    events.toString());
            assertEquals("map vmboot-t-virtio-blk0 180000000+8000", events.get(events.size() - 3));
            assertEquals(List.of("connect 180003000", "connect 180003004"), events.subList(events.size() - 2,
                    events.size()));
        }
    }

    @Test
    void closingResetsAndClosesEveryDevice() throws IOException {
        FakeVirtioDevice device = new FakeVirtioDevice();
        VirtioPciDevices set = attach(new PciRootBus(), List.of(device));
        assertTrue(set.closeAll());
        assertEquals(List.of("reset", "close"), device.calls());
        assertTrue(set.closeAll(), "closing twice does nothing more");
        assertEquals(List.of("reset", "close"), device.calls());
    }

    @Test
    void aFailedAttachClosesEveryDeviceItWasGiven() {
        PciRootBus full = new PciRootBus();
        for (int slot = 0; slot < 32; slot++) {
            full.add(slot, 0, new PciHostBridge(Personality.CLOUD_HV));
        }
        FakeVirtioDevice a = new FakeVirtioDevice();
        FakeVirtioDevice b = new FakeVirtioDevice();
        assertThrows(IllegalStateException.class, () -> attach(full, List.of(a, b)));
        assertEquals(List.of("close"), a.calls());
        assertEquals(List.of("close"), b.calls());
    }

    @Test
    void aGuestPlacingTheBarOverOtherDevicesInALoopLogsAFewHundredLinesAtMost() throws IOException {
        VirtioPciDevices.MmioSpace taken = new VirtioPciDevices.MmioSpace() {
            @Override
            public void map(String name, long base, long length, MmioDevice device) {
                throw new IllegalArgumentException(name + " overlaps something else");
            }

            @Override
            public void unmap(long base, MmioDevice device) {
            }
        };
        try (VirtioPciDevices set = VirtioPciDevices.attach("vmboot-t", List.of(new FakeVirtioDevice()),
                RegionGuestMemory.onHeap(new MemoryRegion(0, 1 << 20, false)), new PciRootBus(), taken, wiring,
                (a, d) -> { }, gsi -> level -> { }, VirtioPciDevicesTest::noQueue, GuestLogLimiter.perMinute("VM t"));
                LogLineCapture log = LogLineCapture.all()) {
            PciFunction f = set.functions().get(0);
            f.writeConfig(PciFunction.COMMAND, 2, PciFunction.COMMAND_MEMORY);
            for (int i = 0; i < 10_000; i++) {
                f.writeConfig(PciFunction.BAR0, 4, 0x8000_0000 + (i & 1) * 0x8000);
            }
            assertTrue(log.records().size() <= GuestLogLimiter.DEFAULT_LINES + 1, log.records().size()
                    + " lines logged");
        }
    }
}
