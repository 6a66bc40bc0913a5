package dev.vmboot.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.vmboot.api.device.PortIoDevice;
import dev.vmboot.api.vm.MachineSpec;
import dev.vmboot.api.vm.Personality;
import dev.vmboot.api.vm.PlatformData;

class RecordingMachineTest {
    private final RecordingMachine vm = new RecordingMachine(
            new MachineSpec("test", 1L << 30, 1, Personality.CLOUD_HV), new HeapGuestMemory(1L << 30));

    @Test
    void pciConfigReadsWhatWasSetAndAllOnesElsewhere() {
        vm.setPciConfig(1, 3, 0x40, 0xB001_2345);
        assertEquals(0xB001_2345, vm.readPciConfig(1, 3, 0x40, 4));
        assertEquals(0x2345, vm.readPciConfig(1, 3, 0x40, 2));
        assertEquals(0xB001, vm.readPciConfig(1, 3, 0x42, 2));
        assertEquals(0x01, vm.readPciConfig(1, 3, 0x42, 1));
        assertEquals(0xB0, vm.readPciConfig(1, 3, 0x43, 1));
        assertEquals(-1, vm.readPciConfig(1, 3, 0x44, 4));
        assertEquals(0xFF, vm.readPciConfig(2, 0, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> vm.setPciConfig(1, 3, 0x41, 0));
    }

    @Test
    void recordsWhatABootProtocolSets() {
        assertNull(vm.cpuState());
        assertNull(vm.platformData());
        PortIoDevice device = new PortIoDevice() {
            @Override
            public int read(int offset, int size) {
                return 0;
            }

            @Override
            public void write(int offset, int size, int value) {
            }
        };
        vm.addPortIoDevice("dev", 0x510, 12, device);
        ByteBuffer image = ByteBuffer.allocate(16);
        vm.mapReadOnly("flash", 0xFFFF_FFF0L, image);
        PlatformData data = new PlatformData(Map.of());
        vm.setPlatformData(data);
        assertEquals(new RecordingMachine.PortDevice("dev", 0x510, 12, device), vm.ports().get(0));
        assertEquals(new RecordingMachine.Mapping("flash", 0xFFFF_FFF0L, image), vm.mappings().get(0));
        assertSame(data, vm.platformData());
        assertThrows(UnsupportedOperationException.class, vm::start);
    }
}
