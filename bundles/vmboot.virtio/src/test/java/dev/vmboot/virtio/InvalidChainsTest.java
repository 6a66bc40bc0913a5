package dev.vmboot.virtio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.vmboot.api.virtio.DescriptorChain;
import dev.vmboot.api.virtio.InvalidChainException;
import dev.vmboot.api.virtio.InvalidChainException.Kind;
import dev.vmboot.api.virtio.Virtqueue;

class InvalidChainsTest {

    enum Own {
        SERVED
    }

    /** A queue of 8 that records what is added to its used ring. */
    static final class UsedRing implements Virtqueue {
        final List<long[]> used = new ArrayList<>();

        @Override
        public int index() {
            return 0;
        }

        @Override
        public int size() {
            return 8;
        }

        @Override
        public Optional<DescriptorChain> pop() {
            return Optional.empty();
        }

        @Override
        public void addUsed(int headIndex, long bytesWritten) {
            used.add(new long[] {headIndex, bytesWritten});
        }

        @Override
        public void addUsed(int[] headIndices, long[] bytesWritten, int count) {
            for (int i = 0; i < count; i++) {
                addUsed(headIndices[i], bytesWritten[i]);
            }
        }

        @Override
        public void disableNotification() {
        }

        @Override
        public boolean enableNotification() {
            return false;
        }

        @Override
        public boolean needsNotification() {
            return true;
        }
    }

    final UsedRing queue = new UsedRing();
    final DeviceCounters<Own> counters = new DeviceCounters<>(Own.class);

    @Test
    void aRefusedChainIsCountedAndItsHeadGoesBackWithLengthZero() {
        assertTrue(InvalidChains.giveBack(queue, new InvalidChainException(Kind.LOOP, 5, "loop"), counters));
        assertEquals(1, queue.used.size());
        assertEquals(5, queue.used.get(0)[0]);
        assertEquals(0, queue.used.get(0)[1]);
        assertEquals(1, counters.invalidChains(Kind.LOOP));
        assertEquals(1L, counters.toMap().get("invalid_chain_loop"));
        assertEquals(0, counters.get(Own.SERVED));
    }

    @Test
    void headsAtTheEdgesOfTheQueue() {
        assertTrue(InvalidChains.giveBack(queue, new InvalidChainException(Kind.ADDRESS, 0, "first"), counters));
        assertTrue(InvalidChains.giveBack(queue, new InvalidChainException(Kind.ADDRESS, 7, "last"), counters));
        assertEquals(2, queue.used.size());
        assertEquals(2, counters.invalidChains(Kind.ADDRESS));
    }

    @Test
    void anAvailableEntryOutOfRangeIsOnlyCounted() {
        assertFalse(InvalidChains.giveBack(queue, new InvalidChainException(Kind.INDEX, 8, "past size"), counters));
        assertFalse(InvalidChains.giveBack(queue, new InvalidChainException(Kind.INDEX, 65535, "far"), counters));
        assertFalse(InvalidChains.giveBack(queue, new InvalidChainException(Kind.INDEX, -1, "none"), counters));
        assertTrue(queue.used.isEmpty(), "no descriptor to give back");
        assertEquals(3, counters.invalidChains(Kind.INDEX));
    }
}
