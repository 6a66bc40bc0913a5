package dev.vmboot.virtio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

class ActivationThreadTest {

    /** Serves once per notification until stopped, as a device's serving loop does. */
    static final class Waiter extends ActivationThread {
        final Semaphore served = new Semaphore(0);
        final AtomicReference<Thread> ranOn = new AtomicReference<>();
        volatile boolean ended;

        Waiter(String name) {
            super(name);
        }

        @Override
        protected void run() {
            ranOn.set(Thread.currentThread());
            try {
                while (awaitNotification()) {
                    served.release();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ended = true;
        }

        private synchronized boolean awaitNotification() throws InterruptedException {
            while (!notified() && !stopping()) {
                wait();
            }
            clearNotified();
            return !stopping();
        }
    }

    @Test
    void aDaemonThreadOfTheGivenName() throws Exception {
        Waiter w = new Waiter("vmboot-test-serving");
        w.start();
        w.wake();
        assertTrue(w.served.tryAcquire(10, TimeUnit.SECONDS));
        assertEquals("vmboot-test-serving", w.ranOn.get().getName());
        assertTrue(w.ranOn.get().isDaemon());
        assertTrue(w.stop(10_000));
    }

    @Test
    void eachWakeIsSeenAndStopEndsTheWaitAndJoins() throws Exception {
        Waiter w = new Waiter("vmboot-test-serving");
        w.start();
        for (int i = 0; i < 3; i++) {
            w.wake();
            assertTrue(w.served.tryAcquire(10, TimeUnit.SECONDS), "wake " + i);
        }
        assertTrue(w.stop(10_000), "stop wakes the wait and joins");
        assertTrue(w.ended);
        assertFalse(w.ranOn.get().isAlive());
        w.wake(); // after stop: harmless
    }

    @Test
    void aWakeBeforeStartIsKept() throws Exception {
        Waiter w = new Waiter("vmboot-test-serving");
        w.wake();
        w.start();
        assertTrue(w.served.tryAcquire(10, TimeUnit.SECONDS));
        assertTrue(w.stop(10_000));
    }

    @Test
    void stopReportsAThreadThatDidNotEndInTime() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ActivationThread stubborn = new ActivationThread("vmboot-test-stubborn") {
            @Override
            protected void run() {
                try {
                    release.await(); // ignores stopping
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        stubborn.start();
        long t0 = System.nanoTime();
        assertFalse(stubborn.stop(50));
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10), "the join is bounded");
        release.countDown();
        assertTrue(stubborn.stop(10_000));
    }

    @Test
    void stopOfAThreadNeverStartedReturnsAtOnce() {
        assertTrue(new Waiter("vmboot-test-unstarted").stop(10_000));
    }
}
