package dev.vmboot.machine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.vmboot.api.virtio.VirtioActivation;
import dev.vmboot.api.virtio.VirtioDevice;
import dev.vmboot.api.virtio.VirtioDeviceContext;
import dev.vmboot.api.virtio.VirtioDeviceFactory;
import dev.vmboot.api.vm.Console;
import dev.vmboot.api.vm.DevicePlugin;
import dev.vmboot.api.vm.DeviceSpec;

class DeviceFactoriesTest {

    private final List<String> closed = new ArrayList<>();
    private final Console console = new Console(OutputStream.nullOutputStream(), new ByteArrayInputStream(KEYS));
    private final ConsoleHandover handover = new ConsoleHandover(console);
    private static final byte[] KEYS = "keys".getBytes(StandardCharsets.US_ASCII);

    private List<VirtioDevice> create(List<DeviceSpec> specs, List<VirtioDeviceFactory> factories)
            throws IOException {
        return DeviceFactories.create(specs, factories, handover).devices();
    }

    /** A factory of type "console" whose devices take the machine's console. */
    private VirtioDeviceFactory consoleFactory() {
        return new VirtioDeviceFactory() {
            @Override
            public String type() {
                return "console";
            }

            @Override
            public VirtioDevice create(Map<String, String> options) {
                throw new IllegalArgumentException("needs its machine's console");
            }

            @Override
            public VirtioDevice create(Map<String, String> options, VirtioDeviceContext context) {
                context.takeConsole();
                return device("console");
            }
        };
    }

    @Test
    void theSerialPortKeepsTheKeysUntilADeviceTakesTheConsole() throws IOException {
        assertSame(console, handover.serialConsole());
        create(List.of(new DeviceSpec("console", Map.of())), List.of(consoleFactory()));
        Console serial = handover.serialConsole();
        assertSame(console.output(), serial.output());
        assertEquals(-1, serial.input().read());
        assertEquals('k', console.input().read());
    }

    @Test
    void aSecondConsoleDeviceIsRefusedAndTheFirstClosed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> create(
                List.of(new DeviceSpec("console", Map.of()), new DeviceSpec("console", Map.of())),
                List.of(consoleFactory())));
        assertEquals("device console: the console is taken by another device of this machine; one virtio console "
                + "device per machine", e.getMessage());
        assertEquals(List.of("console"), closed);
    }

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
        List<VirtioDevice> made = create(List.of(new DeviceSpec("blk", Map.of("path", "a")),
                new DeviceSpec("blk", Map.of("path", "b"))), List.of(factory("rng"), factory("blk")));
        assertEquals(2, made.size());
        made.forEach(VirtioDevice::close);
        assertEquals(List.of("a", "b"), closed);
    }

    /** Outside a framework a factory has no bundle: its class stands for it. */
    @Test
    void eachDeviceRecordsThePluginThatMadeIt() throws IOException {
        VirtioDeviceFactory blk = factory("blk");
        DeviceFactories.Made made = DeviceFactories.create(List.of(new DeviceSpec("blk", Map.of("path", "a"))),
                List.of(factory("rng"), blk), handover);
        assertEquals(List.of(new DevicePlugin("blk", -1, blk.getClass().getName(), "0.0.0", Instant.EPOCH)),
                made.plugins());
        made.devices().forEach(VirtioDevice::close);
    }

    @Test
    void aTypeWithoutPluginNamesWhatIsInstalled() {
        IOException e = assertThrows(IOException.class, () -> create(
                List.of(new DeviceSpec("net", Map.of())), List.of(factory("rng"), factory("blk"))));
        assertEquals("no virtio device plug-in of type 'net' is installed (bundle vmboot.virtio.net); installed: "
                + "blk, rng", e.getMessage());
    }

    @Test
    void aRefusedSpecClosesTheDevicesMadeBeforeItAndIsNamed() {
        List<DeviceSpec> specs = List.of(new DeviceSpec("blk", Map.of("path", "a")),
                new DeviceSpec("blk", Map.of("path", "missing")));
        IOException e = assertThrows(IOException.class, () -> create(specs,
                List.of(factory("blk"))));
        assertEquals("device blk,path=missing: missing: no such file", e.getMessage());
        assertEquals(List.of("a"), closed);

        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> create(
                List.of(new DeviceSpec("blk", Map.of())), List.of(factory("blk"))));
        assertEquals("device blk: path= is required", bad.getMessage());
    }
}
