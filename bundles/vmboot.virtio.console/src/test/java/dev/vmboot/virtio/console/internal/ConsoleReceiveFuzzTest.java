package dev.vmboot.virtio.console.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
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
 * Port 0's receive queue under a driver that offers chains of any shape (several writable pieces, empty ones, a
 * device-readable piece first; rarely a wild descriptor, a head outside the table or a jump of the available index)
 * while keys arrive from the console in bursts of any size. Whatever the driver did, only
 * {@link VirtqueueBrokenException} comes out, each {@link ConsoleReceiver#deliver} takes at most a queue size of
 * chains, and no more than {@link ConsoleReceiver#PENDING_BYTES} keys are taken from the console while the guest has
 * not taken the last ones. With a driver that kept the rules: every used element is a chain in flight, once; a chain
 * with a readable piece or no room comes back with length 0; the device writes exactly the length it reports, into the
 * first bytes of the chain, and nothing past it; and the keys the guest received, in used order, are exactly the keys
 * taken from the console, in order, less those still pending.
 * A normal test run replays the inputs under {@code ConsoleReceiveFuzzTestInputs/keys}; {@code JAZZER_FUZZ=1} fuzzes.
 */
class ConsoleReceiveFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void keys(FuzzedDataProvider data) throws Exception {
        int size = 1 << data.consumeInt(0, 4);
        ConsoleBed bed = new ConsoleBed(size);
        ConsoleReceiver receiver = new ConsoleReceiver(bed.rx, bed.interrupt,
                new DeviceCounters<>(ConsoleCounter.class));
        ByteArrayOutputStream taken = new ByteArrayOutputStream();
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        Map<Integer, List<Buffer>> inFlight = new LinkedHashMap<>();
        int keyByte = 0;
        boolean rules = true;
        try {
            for (int round = data.consumeInt(1, 8); round > 0 && data.remainingBytes() > 0; round--) {
                // New chains only once the last came back: the mock driver's descriptor cursor runs round the table.
                int free = inFlight.isEmpty() ? size : 0;
                while (free > 0 && data.consumeBoolean()) {
                    List<Buffer> chain = new ArrayList<>();
                    if (data.consumeInt(0, 7) == 0) {
                        chain.add(bed.readable(new byte[data.consumeInt(0, 16)])); // not a receive buffer
                    }
                    for (int i = data.consumeInt(1, 3); i > 0 && chain.size() < free; i--) {
                        int length = data.consumeBoolean() ? data.consumeInt(0, 8) : data.consumeInt(0, 400);
                        if (!bed.hasRoom(length)) {
                            break;
                        }
                        chain.add(bed.writable(length));
                    }
                    if (chain.isEmpty()) {
                        break;
                    }
                    inFlight.put(bed.rxDriver.addChain(chain), chain);
                    free -= chain.size();
                    if (HostileDriverMoves.afterChain(data, bed.rxDriver)) {
                        rules = false;
                    }
                }
                bed.rxDriver.publish();
                if (HostileDriverMoves.afterPublish(data, bed.rxDriver)) {
                    rules = false;
                }
                byte[] burst = new byte[data.consumeInt(0, 600)];
                for (int k = 0; k < burst.length; k++) {
                    burst[k] = (byte) keyByte++;
                }
                ByteArrayInputStream console = new ByteArrayInputStream(burst);
                boolean hadPending = receiver.hasPending();
                int n = receiver.takeKeys(console);
                if (n > ConsoleReceiver.PENDING_BYTES || hadPending && n != 0) {
                    throw new AssertionError("took " + n + " keys" + (hadPending ? " with keys still pending" : ""));
                }
                taken.write(burst, 0, n);
                for (int call = 0; call < 4 && receiver.hasPending(); call++) {
                    int before = bed.rxDriver.usedIndex();
                    receiver.deliver();
                    if (((bed.rxDriver.usedIndex() - before) & 0xFFFF) > size) {
                        throw new AssertionError("one deliver took more than a queue size of chains");
                    }
                }
                if (rules) {
                    for (UsedElement e : bed.rxDriver.takeUsed()) {
                        List<Buffer> chain = inFlight.remove(e.id());
                        if (chain == null) {
                            throw new AssertionError("used element " + e + " is no chain in flight");
                        }
                        received.write(checkedContent(bed, chain, e));
                    }
                }
            }
        } catch (VirtqueueBrokenException e) {
            return;
        }
        if (rules) {
            byte[] expected = Arrays.copyOf(taken.toByteArray(), received.size());
            if (!Arrays.equals(expected, received.toByteArray()) || received.size() > taken.size()) {
                throw new AssertionError("the guest received " + received.size() + " keys, not the first of the "
                        + taken.size() + " taken in order");
            }
        }
    }

    /** The keys the device says it wrote into CHAIN, after checking it wrote them where the rules allow and no more. */
    private static byte[] checkedContent(ConsoleBed bed, List<Buffer> chain, UsedElement e) {
        boolean receiveBuffer = chain.stream().allMatch(Buffer::writable);
        long room = chain.stream().mapToLong(Buffer::length).sum();
        if (!receiveBuffer && e.length() != 0 || e.length() > room) {
            throw new AssertionError("used element " + e + " for a chain of " + chain);
        }
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        long left = e.length();
        for (Buffer b : chain) {
            if (!b.writable()) {
                continue;
            }
            byte[] bytes = bed.bytes(b);
            int written = (int) Math.min(left, b.length());
            content.write(bytes, 0, written);
            for (int k = written; k < bytes.length; k++) {
                if (bytes[k] != ConsoleBed.UNWRITTEN) {
                    throw new AssertionError("the device wrote past the " + e.length() + " bytes it reported");
                }
            }
            left -= written;
        }
        return content.toByteArray();
    }
}
