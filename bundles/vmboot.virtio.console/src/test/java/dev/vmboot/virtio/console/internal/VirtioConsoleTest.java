package dev.vmboot.virtio.console.internal;

import static dev.vmboot.virtio.console.internal.ConsoleBed.submit;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.vmboot.api.virtio.VirtioActivation;
import dev.vmboot.api.virtio.VirtioDeviceContext;
import dev.vmboot.api.virtio.VirtioFeatures;
import dev.vmboot.api.vm.Console;
import dev.vmboot.testkit.MockDriverQueue.Buffer;
import dev.vmboot.testkit.MockDriverQueue.UsedElement;

/** The console device as the transport drives it, with the console it took from its machine. */
class VirtioConsoleTest {
    final ByteArrayOutputStream output = new ByteArrayOutputStream();
    int taken;

    VirtioConsole create(Map<String, String> options, String typed) {
        Console console = new Console(output, new ByteArrayInputStream(typed.getBytes(US_ASCII)));
        VirtioDeviceContext context = () -> {
            taken++;
            return console;
        };
        return (VirtioConsole) new ConsoleFactory().create(options, context);
    }

    static boolean threadNamed(String name) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name));
    }

    @Test
    void identifiesAsAConsoleWithOnePortAndTheSizeWhenKnown() {
        try (VirtioConsole unknown = create(Map.of(), "")) {
            assertEquals(3, unknown.deviceType());
            assertEquals(2, unknown.queueMaxSizes().length);
            assertEquals(0, unknown.deviceFeatures(), "no F_SIZE without a size, never F_MULTIPORT");
            assertArrayEquals(new byte[] { 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0 }, unknown.configSpace());
        }
        try (VirtioConsole sized = create(Map.of("cols", "132", "rows", "43"), "")) {
            assertEquals(VirtioFeatures.bit(VirtioConsole.F_SIZE), sized.deviceFeatures());
            assertArrayEquals(new byte[] { (byte) 132, 0, 43, 0, 1, 0, 0, 0, 0, 0, 0, 0 }, sized.configSpace());
        }
        assertEquals(2, taken, "each device took its machine's console");
    }

    @Test
    void aKnownSizeIsAnnouncedByAConfigurationChangeAtActivation() throws Exception {
        for (Map<String, String> options : List.of(Map.<String, String>of(), Map.of("cols", "80", "rows", "24"))) {
            ConsoleBed bed = new ConsoleBed(8);
            try (VirtioConsole device = create(options, "")) {
                device.activate(new VirtioActivation(VirtioFeatures.bit(VirtioFeatures.VERSION_1), List.of(bed.rx,
                        bed.tx), bed.interrupt, bed.memory));
                assertEquals(options.isEmpty() ? 0 : 1, bed.interrupt.configSignals(), options.toString());
            }
        }
    }

    @Test
    void withoutItsMachinesConsoleNoDeviceIsMade() {
        assertEquals("console: a virtio console needs its machine's console; the hypervisor creates it with its "
                + "context", assertThrows(IllegalArgumentException.class, () -> new ConsoleFactory().create(Map.of()))
                        .getMessage());
    }

    @Test
    void keysReachTheGuestOnTheReceiveThreadAndOutputTheConsoleAndResetEndsTheThread() throws Exception {
        ConsoleBed bed = new ConsoleBed(8);
        try (VirtioConsole device = create(Map.of(), "ls\n")) {
            Buffer rxBuffer = bed.writable(16);
            int rxHead = submit(bed.rxDriver, rxBuffer);
            device.activate(new VirtioActivation(VirtioFeatures.bit(VirtioFeatures.VERSION_1), List.of(bed.rx,
                    bed.tx), bed.interrupt, bed.memory));
            assertTrue(bed.interrupt.awaitQueueSignals(0, 1, Duration.ofSeconds(30)), "keys delivered");
            assertEquals(List.of(new UsedElement(rxHead, 3)), bed.rxDriver.takeUsed());
            assertEquals("ls\n", new String(bed.bytes(rxBuffer), 0, 3, US_ASCII));

            int txHead = submit(bed.txDriver, bed.readable("root@guest:~# ".getBytes(US_ASCII)));
            assertFalse(device.queueNotified(VirtioConsole.TRANSMITQ));
            assertEquals(List.of(new UsedElement(txHead, 0)), bed.txDriver.takeUsed());
            assertEquals("root@guest:~# ", output.toString(US_ASCII));

            assertTrue(threadNamed("vmboot-virtio-console-rx"));
            device.reset();
            assertFalse(threadNamed("vmboot-virtio-console-rx"), "reset joined the receive thread");
            assertFalse(device.queueNotified(VirtioConsole.TRANSMITQ), "nothing served after reset");
            assertEquals(3, device.counters().get("input_bytes"));
            assertEquals(14, device.counters().get("output_bytes"));
        }
    }
}
