package dev.vmboot.machine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.vmboot.api.virtio.VirtioActivation;
import dev.vmboot.api.virtio.VirtioDevice;
import dev.vmboot.api.virtio.VirtioDeviceFactory;
import dev.vmboot.api.vm.DeviceSpec;

class DeviceFactoriesTest {

    private final List<String> closed = new ArrayList<>();

    private VirtioDevice device(String name) {
        return new VirtioDevice() {
            @Override
            public int deviceType() {
                return 2;
            }

            @Override
            public int[] queueMaxSizes() {
                return new int[] {16};
            }

            @Override
            public long deviceFeatures() {
                return 0;
            }

            @Override
            public byte[] configSpace() {
                return new byte[0];
            }

            @Override
            public void activate(VirtioActivation activation) {
            }

            @Override
            public boolean queueNotified(int index) {
                return false;
            }

            @Override
            public void reset() {
            }

            @Override
            public void close() {
                closed.add(name);
            }
        };
    }

    private VirtioDeviceFactory factory(String type) {
        return new VirtioDeviceFactory() {
            @Override
            public String type() {
                return type;
            }

            @Override
            public VirtioDevice create(Map<String, String> options) throws IOException {
                String path = options.get("path");
                if (path == null) {
                    throw new IllegalArgumentException("path= is required");
                }
                if (path.equals("missing")) {
                    throw new IOException("missing: no such file");
                }
                return device(path);
            }
        };
    }

    @Test
    void oneDevicePerSpecInOrder() throws IOException {
        List<VirtioDevice> made = DeviceFactories.create(List.of(new DeviceSpec("blk", Map.of("path", "a")),
                new DeviceSpec("blk", Map.of("path", "b"))), List.of(factory("rng"), factory("blk")));
        assertEquals(2, made.size());
        made.forEach(VirtioDevice::close);
        assertEquals(List.of("a", "b"), closed);
    }

    @Test
    void aTypeWithoutPluginNamesWhatIsInstalled() {
        IOException e = assertThrows(IOException.class, () -> DeviceFactories.create(
                List.of(new DeviceSpec("net", Map.of())), List.of(factory("rng"), factory("blk"))));
        assertEquals("no virtio device plug-in of type 'net' is installed (bundle vmboot.virtio.net); installed: "
                + "blk, rng", e.getMessage());
    }

    @Test
    void aRefusedSpecClosesTheDevicesMadeBeforeItAndIsNamed() {
        List<DeviceSpec> specs = List.of(new DeviceSpec("blk", Map.of("path", "a")),
                new DeviceSpec("blk", Map.of("path", "missing")));
        IOException e = assertThrows(IOException.class, () -> DeviceFactories.create(specs,
                List.of(factory("blk"))));
        assertEquals("device blk,path=missing: missing: no such file", e.getMessage());
        assertEquals(List.of("a"), closed);

        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> DeviceFactories.create(
                List.of(new DeviceSpec("blk", Map.of())), List.of(factory("blk"))));
        assertEquals("device blk: path= is required", bad.getMessage());
    }
}
