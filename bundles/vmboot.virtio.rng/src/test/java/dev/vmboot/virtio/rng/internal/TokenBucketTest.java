package dev.vmboot.virtio.rng.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The rate bound on a hand-moved clock. */
class TokenBucketTest {
    long now = 5_000L;

    @Test
    void startsFullThenGrantsWhatTheRateEarns() {
        TokenBucket bucket = new TokenBucket(1000, 100, () -> now);
        assertEquals(100, bucket.take(500)); // the burst, though 500 were asked: at least the floor (the burst)
        assertEquals(0, bucket.take(10));
        assertEquals(10_000_000L, bucket.nanosUntil(10)); // 10 bytes at 1000/s
        now += 9_999_999L;
        assertEquals(0, bucket.take(10));
        now += 1;
        assertEquals(10, bucket.take(10));
    }

    @Test
    void aPartialGrantNeedsAtLeastTheRequestOrTheBurst() {
        TokenBucket bucket = new TokenBucket(1000, 100, () -> now);
        assertEquals(60, bucket.take(60));
        assertEquals(0, bucket.take(64)); // 40 held, 64 asked
        assertEquals(24_000_000L, bucket.nanosUntil(64));
        now += 24_000_000L;
        assertEquals(64, bucket.take(64));
    }

    @Test
    void aLongPauseRefillsNoMoreThanTheBurstAndFractionsAreKept() {
        TokenBucket bucket = new TokenBucket(3, 9, () -> now);
        assertEquals(9, bucket.take(9));
        now += Long.MAX_VALUE / 2;
        assertEquals(9, bucket.take(100));
        assertEquals(0, bucket.take(1));
        for (int i = 0; i < 3; i++) {
            now += 333_333_333L; // a third of a second, less a nanosecond each: two bytes' worth after three
        }
        assertEquals(0, bucket.take(3)); // 0.999999999 s at 3 bytes/s: 2 whole bytes and a fraction
        assertEquals(2, bucket.take(2));
        assertEquals(0, bucket.take(1));
        now += 3; // the fraction kept, plus 9 byte-nanoseconds, make the third byte
        assertEquals(1, bucket.take(1));
    }
}
