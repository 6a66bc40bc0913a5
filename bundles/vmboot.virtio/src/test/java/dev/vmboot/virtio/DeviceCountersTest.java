package dev.vmboot.virtio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.vmboot.api.virtio.InvalidChainException.Kind;

class DeviceCountersTest {

    enum Sample {
        FRAMES, RX_BYTES, DRAIN_CAP_REACHED
    }

    final DeviceCounters<Sample> counters = new DeviceCounters<>(Sample.class);

    @Test
    void countsEachCounterApart() {
        counters.increment(Sample.FRAMES);
        counters.increment(Sample.FRAMES);
        counters.add(Sample.RX_BYTES, 1500);
        counters.invalidChain(Kind.LOOP);
        assertEquals(2, counters.get(Sample.FRAMES));
        assertEquals(1500, counters.get(Sample.RX_BYTES));
        assertEquals(0, counters.get(Sample.DRAIN_CAP_REACHED));
        assertEquals(1, counters.invalidChains(Kind.LOOP));
        for (Kind k : Kind.values()) {
            if (k != Kind.LOOP) {
                assertEquals(0, counters.invalidChains(k), k.name());
            }
        }
    }

    @Test
    void mapHasEveryKeyInAFixedOrder() {
        counters.add(Sample.RX_BYTES, 7);
        counters.invalidChain(Kind.ADDRESS);
        Map<String, Long> map = counters.toMap();
        List<String> expected = new java.util.ArrayList<>(List.of("frames", "rx_bytes", "drain_cap_reached"));
        for (Kind k : Kind.values()) {
            expected.add("invalid_chain_" + k.name().toLowerCase(java.util.Locale.ROOT));
        }
        assertArrayEquals(expected.toArray(), map.keySet().toArray());
        assertEquals(7L, map.get("rx_bytes"));
        assertEquals(0L, map.get("frames"), "zeros included");
        assertEquals(1L, map.get("invalid_chain_address"));
        assertEquals(0L, map.get("invalid_chain_loop"));
    }

    @Test
    void moreGoesBetweenOwnCountersAndInvalidChains() {
        Map<String, Long> more = new LinkedHashMap<>();
        more.put("refused_b", 2L);
        more.put("refused_a", 1L);
        List<String> keys = List.copyOf(counters.toMap(more).keySet());
        assertEquals(List.of("frames", "rx_bytes", "drain_cap_reached", "refused_b", "refused_a",
                "invalid_chain_" + Kind.values()[0].name().toLowerCase(java.util.Locale.ROOT)), keys.subList(0, 6));
        assertEquals(3 + 2 + Kind.values().length, keys.size());
    }

    @Test
    void noIncrementIsLostAcrossThreads() throws Exception {
        int threads = 4;
        int each = 10_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            for (int t = 0; t < threads; t++) {
                pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < each; i++) {
                        counters.increment(Sample.FRAMES);
                        counters.add(Sample.RX_BYTES, 2);
                        counters.invalidChain(Kind.INDEX);
                    }
                    return null;
                });
            }
            start.countDown();
        } finally {
            pool.shutdown();
            assertEquals(true, pool.awaitTermination(30, TimeUnit.SECONDS));
        }
        assertEquals(threads * each, counters.get(Sample.FRAMES));
        assertEquals(2L * threads * each, counters.get(Sample.RX_BYTES));
        assertEquals(threads * each, counters.invalidChains(Kind.INDEX));
        assertEquals(0, counters.get(Sample.DRAIN_CAP_REACHED), "no counter bleeds into another");
    }
}
