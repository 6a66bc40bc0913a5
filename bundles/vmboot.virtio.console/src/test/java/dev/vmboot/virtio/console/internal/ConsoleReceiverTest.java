package dev.vmboot.virtio.console.internal;

import static dev.vmboot.virtio.console.internal.ConsoleBed.submit;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.vmboot.testkit.MockDriverQueue.Buffer;
import dev.vmboot.testkit.MockDriverQueue.UsedElement;
import dev.vmboot.virtio.DeviceCounters;

/** Port 0's receive queue: keys into the driver's buffers, against a hostile driver (virtio 1.2, 5.3.6). */
class ConsoleReceiverTest {
    static final int QUEUE = 8;

    final ConsoleBed bed = new ConsoleBed(QUEUE);
    final DeviceCounters<ConsoleCounter> counters = new DeviceCounters<>(ConsoleCounter.class);
    final ConsoleReceiver receiver = new ConsoleReceiver(bed.rx, bed.interrupt, counters);

    static ByteArrayInputStream keys(String typed) {
        return new ByteArrayInputStream(typed.getBytes(US_ASCII));
    }

    void assertStillServes() throws Exception {
        Buffer b = bed.writable(8);
        int head = submit(bed.rxDriver, b);
        assertEquals(1, receiver.takeKeys(keys("y")));
        assertTrue(receiver.deliver());
        assertEquals(List.of(new UsedElement(head, 1)), bed.rxDriver.takeUsed());
        assertEquals('y', bed.bytes(b)[0]);
    }

    @Test
    void keysGoIntoTheNextReceiveBuffersSplitAsTheyFit() throws Exception {
        Buffer small = bed.writable(3);
        Buffer large = bed.writable(64);
        int first = submit(bed.rxDriver, small);
        int second = submit(bed.rxDriver, large);
        assertEquals(8, receiver.takeKeys(keys("uname\n\n\n")));
        assertTrue(receiver.deliver());
        assertEquals(List.of(new UsedElement(first, 3), new UsedElement(second, 5)), bed.rxDriver.takeUsed());
        assertEquals("una", new String(bed.bytes(small), US_ASCII));
        assertEquals("me\n\n\n", new String(Arrays.copyOf(bed.bytes(large), 5), US_ASCII));
        assertEquals(1, bed.interrupt.queueSignals(0));
        assertEquals(8, counters.get(ConsoleCounter.INPUT_BYTES));
    }

    @Test
    void withoutBuffersTheKeysWaitAndTheRestStayWithTheTerminal() throws Exception {
        ByteArrayInputStream typed = new ByteArrayInputStream(new byte[1000]);
        assertEquals(ConsoleReceiver.PENDING_BYTES, receiver.takeKeys(typed));
        assertFalse(receiver.deliver(), "no receive buffer: the keys wait");
        assertEquals(0, receiver.takeKeys(typed), "nothing more is taken while keys are pending");
        assertEquals(1000 - ConsoleReceiver.PENDING_BYTES, typed.available());
        int head = submit(bed.rxDriver, bed.writable(4096));
        assertTrue(receiver.deliver());
        assertEquals(List.of(new UsedElement(head, ConsoleReceiver.PENDING_BYTES)), bed.rxDriver.takeUsed());
    }

    @Test
    void aDeviceReadableBufferIsRefusedAndTheKeysGoToTheNext() throws Exception {
        Buffer readable = bed.readable("guest".getBytes(US_ASCII));
        int bad = submit(bed.rxDriver, readable);
        int empty = submit(bed.rxDriver, bed.writable(0));
        Buffer good = bed.writable(8);
        int head = submit(bed.rxDriver, good);
        receiver.takeKeys(keys("k"));
        assertTrue(receiver.deliver());
        assertEquals(List.of(new UsedElement(bad, 0), new UsedElement(empty, 0), new UsedElement(head, 1)),
                bed.rxDriver.takeUsed());
        assertArrayEquals("guest".getBytes(US_ASCII), bed.bytes(readable));
        assertEquals('k', bed.bytes(good)[0]);
        assertEquals(1, counters.get(ConsoleCounter.REFUSED_READABLE));
        assertEquals(1, counters.get(ConsoleCounter.EMPTY_CHAINS));
        assertStillServes();
    }

    @Test
    void theEndOfTheInputIsTold() throws Exception {
        assertEquals(-1, receiver.takeKeys(new ByteArrayInputStream(new byte[0]) {
            @Override
            public synchronized int available() {
                return 1; // says a byte is there, then ends
            }
        }));
        assertFalse(receiver.hasPending());
    }
}
