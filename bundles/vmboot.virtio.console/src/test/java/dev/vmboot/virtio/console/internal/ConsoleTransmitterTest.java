package dev.vmboot.virtio.console.internal;

import static dev.vmboot.virtio.console.internal.ConsoleBed.submit;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.vmboot.api.virtio.InvalidChainException;
import dev.vmboot.testkit.MockDriverQueue;
import dev.vmboot.testkit.MockDriverQueue.RawDescriptor;
import dev.vmboot.testkit.MockDriverQueue.UsedElement;
import dev.vmboot.virtio.DeviceCounters;

/** Port 0's transmit queue against a hostile driver, and the console's pace (virtio 1.2, 5.3.6). */
class ConsoleTransmitterTest {
    static final int QUEUE = 8;

    final ConsoleBed bed = new ConsoleBed(QUEUE);
    final DeviceCounters<ConsoleCounter> counters = new DeviceCounters<>(ConsoleCounter.class);
    final ByteArrayOutputStream console = new ByteArrayOutputStream();
    final ConsoleTransmitter transmitter = new ConsoleTransmitter(bed.tx, bed.interrupt, console, counters);

    void assertStillServes() throws Exception {
        console.reset();
        int head = submit(bed.txDriver, bed.readable("ok\n".getBytes(US_ASCII)));
        assertFalse(transmitter.drain());
        assertEquals(List.of(new UsedElement(head, 0)), bed.txDriver.takeUsed());
        assertEquals("ok\n", console.toString(US_ASCII));
    }

    @Test
    void theGuestsBytesReachTheConsoleInOrderAcrossDescriptors() throws Exception {
        int first = submit(bed.txDriver, bed.readable("Linux ".getBytes(US_ASCII)),
                bed.readable("version".getBytes(US_ASCII)));
        int second = submit(bed.txDriver, bed.readable(" 6.1\n".getBytes(US_ASCII)));
        assertFalse(transmitter.drain());
        assertEquals("Linux version 6.1\n", console.toString(US_ASCII));
        assertEquals(List.of(new UsedElement(first, 0), new UsedElement(second, 0)), bed.txDriver.takeUsed());
        assertEquals(1, bed.interrupt.queueSignals(1));
        assertEquals(18, counters.get(ConsoleCounter.OUTPUT_BYTES));
    }

    @Test
    void buffersGoBackOnlyOnceTheConsoleTookTheirBytes() throws Exception {
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch drained = new CountDownLatch(1);
        OutputStream slowTerminal = new OutputStream() {
            @Override
            public void write(int b) {
                throw new AssertionError("written in pieces");
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                writing.countDown();
                try {
                    assertTrue(drained.await(30, TimeUnit.SECONDS));
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
            }
        };
        ConsoleTransmitter paced = new ConsoleTransmitter(bed.tx, bed.interrupt, slowTerminal, counters);
        int head = submit(bed.txDriver, bed.readable(new byte[1000]));
        CompletableFuture<Boolean> pass = CompletableFuture.supplyAsync(() -> {
            try {
                return paced.drain();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(writing.await(30, TimeUnit.SECONDS));
        assertEquals(0, bed.txDriver.usedIndex(), "the chain is still the device's while the console is busy");
        drained.countDown();
        assertFalse(pass.get(30, TimeUnit.SECONDS));
        assertEquals(List.of(new UsedElement(head, 0)), bed.txDriver.takeUsed());
    }

    @Test
    void aDeviceWritableBufferIsRefusedAndTheNextIsServed() throws Exception {
        int head = submit(bed.txDriver, bed.readable("x".getBytes(US_ASCII)), bed.writable(4));
        assertFalse(transmitter.drain());
        assertEquals(List.of(new UsedElement(head, 0)), bed.txDriver.takeUsed());
        assertEquals("", console.toString(US_ASCII));
        assertEquals(1, counters.get(ConsoleCounter.REFUSED_WRITABLE));
        assertStillServes();
    }

    @Test
    void aChainLongerThanTheDeviceTakesIsRefusedAndTheNextIsServed() throws Exception {
        int head = submit(bed.txDriver, bed.readable(new byte[(int) ConsoleTransmitter.MAX_CHAIN_BYTES]),
                bed.readable(new byte[1]));
        assertFalse(transmitter.drain());
        assertEquals(List.of(new UsedElement(head, 0)), bed.txDriver.takeUsed());
        assertEquals(0, console.size());
        assertEquals(1, counters.get(ConsoleCounter.REFUSED_TOO_LONG));
        assertStillServes();
    }

    @Test
    void aChainThatLoopsIsRefusedByTheQueueAndTheNextIsServed() throws Exception {
        ConsoleBed loopBed = bed;
        MockDriverQueue d = loopBed.txDriver;
        var b = loopBed.readable(new byte[8]);
        d.writeDescriptor(0, new RawDescriptor(b.address(), 8, MockDriverQueue.F_NEXT, 1));
        d.writeDescriptor(1, new RawDescriptor(b.address(), 8, MockDriverQueue.F_NEXT, 0));
        d.allocateDescriptor();
        d.allocateDescriptor();
        d.offer(0);
        d.publish();
        assertFalse(transmitter.drain());
        assertEquals(List.of(new UsedElement(0, 0)), d.takeUsed());
        assertEquals(1, counters.invalidChains(InvalidChainException.Kind.LOOP));
        assertStillServes();
    }

    @Test
    void aZeroLengthBufferIsReturnedAndTheNextIsServed() throws Exception {
        int head = submit(bed.txDriver, bed.readable(new byte[0]));
        assertFalse(transmitter.drain());
        assertEquals(List.of(new UsedElement(head, 0)), bed.txDriver.takeUsed());
        assertEquals(1, counters.get(ConsoleCounter.EMPTY_CHAINS));
        assertStillServes();
    }

    @Test
    void aDriverThatKeepsRefillingCannotHoldTheWorker() throws Exception {
        var letter = bed.readable("a".getBytes(US_ASCII));
        int head = bed.txDriver.allocateDescriptor();
        bed.txDriver.writeDescriptor(head, new RawDescriptor(letter.address(), 1, 0, 0));
        OutputStream refilling = new OutputStream() {
            @Override
            public void write(int b) {
                throw new AssertionError("written in pieces");
            }

            @Override
            public void write(byte[] b, int off, int len) {
                console.write(b, off, len);
                bed.txDriver.offer(head); // the same head again, each time the device takes it
                bed.txDriver.publish();
            }
        };
        ConsoleTransmitter t = new ConsoleTransmitter(bed.tx, bed.interrupt, refilling, counters);
        bed.txDriver.offer(head);
        bed.txDriver.publish();
        assertTrue(t.drain(), "stopped at the bound with a chain waiting: the worker comes back");
        assertEquals("a".repeat(QUEUE), console.toString(US_ASCII));
        assertEquals(QUEUE, bed.txDriver.takeUsed().size());
        assertEquals(1, counters.get(ConsoleCounter.DRAIN_CAP_REACHED));
    }
}
