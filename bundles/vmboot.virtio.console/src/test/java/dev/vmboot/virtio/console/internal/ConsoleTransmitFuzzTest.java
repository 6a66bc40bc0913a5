package dev.vmboot.virtio.console.internal;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.vmboot.api.virtio.VirtqueueBrokenException;
import dev.vmboot.testkit.HostileDriverMoves;
import dev.vmboot.testkit.MockDriverQueue.Buffer;
import dev.vmboot.testkit.MockDriverQueue.UsedElement;
import dev.vmboot.virtio.DeviceCounters;

/**
 * Port 0's transmit queue under a driver that offers chains of any shape (device-writable pieces, empty ones, chains
 * longer than {@link ConsoleTransmitter#MAX_CHAIN_BYTES}, several pieces; rarely a wild descriptor, a head outside the
 * table or a jump of the available index). Whatever the driver did, only {@link VirtqueueBrokenException} comes out
 * and each pass ends within a queue size of chains. With a driver that kept the rules, every chain comes back once,
 * with length 0, and the console's output is exactly the bytes of the chains the device takes (device-readable only,
 * not empty, not over the bound), in the order offered.
 * A normal test run replays the inputs under {@code ConsoleTransmitFuzzTestInputs/writes}; {@code JAZZER_FUZZ=1}
 * fuzzes.
 */
class ConsoleTransmitFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void writes(FuzzedDataProvider data) throws Exception {
        int size = 1 << data.consumeInt(0, 4);
        ConsoleBed bed = new ConsoleBed(size);
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        ConsoleTransmitter transmitter = new ConsoleTransmitter(bed.tx, bed.interrupt, console,
                new DeviceCounters<>(ConsoleCounter.class));
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        Map<Integer, List<Buffer>> inFlight = new HashMap<>();
        boolean rules = true;
        try {
            for (int round = data.consumeInt(1, 6); round > 0 && data.remainingBytes() > 0; round--) {
                // New chains only once the last came back: the mock driver's descriptor cursor runs round the table.
                int free = inFlight.isEmpty() ? size : 0;
                while (free > 0 && data.consumeBoolean()) {
                    List<Buffer> chain = new ArrayList<>();
                    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                    boolean writable = false;
                    for (int i = data.consumeInt(1, 3); i > 0 && chain.size() < free; i--) {
                        int length = data.consumeBoolean() ? data.consumeInt(0, 200) : data.consumeInt(0, 70_000);
                        if (!bed.hasRoom(length)) {
                            break;
                        }
                        if (writable || data.consumeInt(0, 7) == 0) {
                            writable = true; // device-writable pieces follow the readable ones (2.7.4.2)
                            chain.add(bed.writable(length));
                        } else {
                            byte[] content = new byte[length];
                            for (int k = 0; k < length; k++) {
                                content[k] = (byte) (round * 31 + chain.size() * 7 + k);
                            }
                            chain.add(bed.readable(content));
                            bytes.write(content);
                        }
                    }
                    if (chain.isEmpty()) {
                        break;
                    }
                    inFlight.put(bed.txDriver.addChain(chain), chain);
                    free -= chain.size();
                    if (!writable && bytes.size() > 0 && bytes.size() <= ConsoleTransmitter.MAX_CHAIN_BYTES) {
                        bytes.writeTo(expected);
                    }
                    if (HostileDriverMoves.afterChain(data, bed.txDriver)) {
                        rules = false;
                    }
                }
                bed.txDriver.publish();
                if (HostileDriverMoves.afterPublish(data, bed.txDriver)) {
                    rules = false;
                }
                for (int call = 0; call < 4 && transmitter.drain(); call++) {
                    // a queue size per pass; the ring holds no more than that, so four passes end it
                }
                if (rules) {
                    for (UsedElement e : bed.txDriver.takeUsed()) {
                        if (inFlight.remove(e.id()) == null || e.length() != 0) {
                            throw new AssertionError("used element " + e + " is no chain in flight, or says the "
                                    + "device wrote into a transmit buffer");
                        }
                    }
                    if (!inFlight.isEmpty()) {
                        throw new AssertionError("chains " + inFlight.keySet() + " were not given back");
                    }
                }
            }
        } catch (VirtqueueBrokenException e) {
            return;
        }
        if (rules && !java.util.Arrays.equals(expected.toByteArray(), console.toByteArray())) {
            throw new AssertionError("the console got " + console.size() + " bytes, the chains taken held "
                    + expected.size());
        }
    }
}
