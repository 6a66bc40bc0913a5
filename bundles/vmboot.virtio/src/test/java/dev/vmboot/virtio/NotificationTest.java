package dev.vmboot.virtio;

import static dev.vmboot.testkit.MockDriverQueue.AVAIL_F_NO_INTERRUPT;
import static dev.vmboot.testkit.MockDriverQueue.USED_F_NO_NOTIFY;
import static dev.vmboot.virtio.TestRings.BUFFERS;
import static dev.vmboot.virtio.TestRings.EVENT_IDX;
import static dev.vmboot.virtio.TestRings.VERSION_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import dev.vmboot.testkit.MockDriverQueue.Buffer;

/**
 * Notification suppression in both directions: the driver's VIRTQ_AVAIL_F_NO_INTERRUPT and used_event (virtio 1.2,
 * 2.7.7) and the device's VIRTQ_USED_F_NO_NOTIFY and avail_event (2.7.10).
 */
class NotificationTest {

    private static final int SIZE = 8;

    /** Serves one chain: offer, publish, pop, return. */
    private static void serveOne(TestRings rings) throws Exception {
        rings.driver.addChain(Buffer.readable(BUFFERS, 8));
        rings.driver.publish();
        rings.queue.addUsed(rings.popChain().headIndex(), 0);
    }

    // ---- used buffer notifications (device to driver), 2.7.7 -------------------------------------------------

    /** 2.7.7.2 without EVENT_IDX: "If flags is 1, the device SHOULD NOT send a notification", if 0 it MUST. */
    @Test
    void withoutEventIdxTheNoInterruptFlagSuppressesTheInterrupt() throws Exception {
        TestRings rings = new TestRings(SIZE, VERSION_1);
        assertFalse(rings.queue.needsNotification(), "nothing used yet");
        serveOne(rings);
        assertTrue(rings.queue.needsNotification());
        assertFalse(rings.queue.needsNotification(), "nothing used since");
        rings.driver.setAvailFlags(AVAIL_F_NO_INTERRUPT);
        serveOne(rings);
        assertFalse(rings.queue.needsNotification());
        rings.driver.setAvailFlags(0);
        serveOne(rings);
        assertTrue(rings.queue.needsNotification());
        rings.driver.setUsedEvent(100); // "The device MUST ignore the used_event value"
        serveOne(rings);
        assertTrue(rings.queue.needsNotification());
    }

    /**
     * 2.7.7.2 with EVENT_IDX: "If the idx field in the used ring (which determined where that descriptor index was
     * placed) was equal to used_event, the device MUST send a notification. Otherwise the device SHOULD NOT".
     */
    @Test
    void eventIdxSuppressesAndThenRaisesTheInterrupt() throws Exception {
        TestRings rings = new TestRings(SIZE, VERSION_1 | EVENT_IDX);
        rings.driver.setUsedEvent(2); // interrupt when the element at used index 2 is written
        serveOne(rings); // used idx 0 -> 1
        assertFalse(rings.queue.needsNotification());
        serveOne(rings); // 1 -> 2
        assertFalse(rings.queue.needsNotification());
        serveOne(rings); // 2 -> 3: the element at index 2
        assertTrue(rings.queue.needsNotification());
        serveOne(rings); // 3 -> 4: used_event already passed
        assertFalse(rings.queue.needsNotification());
        // a batch: the event inside it counts once
        rings.driver.setUsedEvent(5);
        serveOne(rings);
        serveOne(rings);
        serveOne(rings); // 4 -> 7 passes 5
        assertTrue(rings.queue.needsNotification());
        assertFalse(rings.queue.needsNotification());
    }

    /** 2.7.7.2 with EVENT_IDX: "The device MUST ignore the lower bit of flags". */
    @Test
    void withEventIdxTheNoInterruptFlagIsIgnored() throws Exception {
        TestRings rings = new TestRings(SIZE, VERSION_1 | EVENT_IDX);
        rings.driver.setAvailFlags(AVAIL_F_NO_INTERRUPT);
        rings.driver.setUsedEvent(0);
        serveOne(rings);
        assertTrue(rings.queue.needsNotification());
    }

    /** The note of 2.7.7.2: with used_event 0 the device notifies after the first buffer and again after the 65536th. */
    @Test
    void eventIdxIsRightAcrossThe16BitWrap() throws Exception {
        TestRings rings = new TestRings(SIZE, VERSION_1 | EVENT_IDX);
        rings.driver.setUsedEvent(0xFFFE);
        int interrupts = 0;
        int interruptAt = -1;
        for (int used = 1; used <= 65536 + 2; used++) {
            serveOne(rings);
            if (rings.queue.needsNotification()) {
                interrupts++;
                interruptAt = used;
            }
            if (used == 65536) {
                assertEquals(1, interrupts, "once, when the element at index 0xFFFE was written");
                assertEquals(0xFFFF, interruptAt);
                rings.driver.setUsedEvent(0); // the note's example, now across the wrap: index 0 again
            }
        }
        assertEquals(2, interrupts);
        assertEquals(65537, interruptAt);
        assertEquals(2, rings.queue.nextUsedIndex());
    }

    /** With several checks skipped, the window since the last check still finds used_event, across the wrap. */
    @Test
    void eventIdxLooksAtEverythingSinceTheLastCheck() throws Exception {
        TestRings rings = new TestRings(SIZE, VERSION_1 | EVENT_IDX);
        for (int i = 0; i < 65530; i++) {
            serveOne(rings);
        }
        rings.queue.needsNotification();
        rings.driver.setUsedEvent(3);
        for (int i = 0; i < 9; i++) {
            serveOne(rings); // 65530 -> 65539, that is 0xFFFA -> 3: the element at 3 is not written yet
        }
        assertFalse(rings.queue.needsNotification());
        serveOne(rings); // 3 -> 4
        assertTrue(rings.queue.needsNotification());
    }

    // ---- available buffer notifications (driver to device), 2.7.10 ----------------------------------------------

    /** 2.7.10.2 without EVENT_IDX: the device sets flags to 1 to advise it needs no notification, 0 to get them. */
    @Test
    void withoutEventIdxDisablingSetsNoNotifyAndEnablingClearsIt() throws Exception {
        TestRings rings = new TestRings(SIZE, VERSION_1);
        rings.queue.disableNotification();
        assertEquals(USED_F_NO_NOTIFY, rings.driver.usedFlags());
        assertFalse(rings.queue.enableNotification());
        assertEquals(0, rings.driver.usedFlags());
    }

    /** 2.7.10 with EVENT_IDX: avail_event is the available index whose publication the device wants to hear of. */
    @Test
    void withEventIdxEnablingSetsAvailEventToTheNextIndexToPop() throws Exception {
        TestRings rings = new TestRings(SIZE, VERSION_1 | EVENT_IDX);
        serveOne(rings);
        serveOne(rings);
        rings.driver.setAvailEvent(0x1234);
        rings.queue.disableNotification();
        assertEquals(0x1234, rings.driver.availEvent(), "disabling writes nothing under EVENT_IDX");
        assertEquals(0, rings.driver.usedFlags(), "nor the flag");
        assertFalse(rings.queue.enableNotification());
        assertEquals(2, rings.driver.availEvent());
    }

    /** The re-check after enabling: chains that arrived while notifications were off must not wait for a notify. */
    @Test
    void enableNotificationReturnsTrueWhenChainsArrivedMeanwhile() throws Exception {
        for (long features : new long[] { VERSION_1, VERSION_1 | EVENT_IDX }) {
            TestRings rings = new TestRings(SIZE, features);
            rings.queue.disableNotification();
            int head = rings.driver.addChain(Buffer.readable(BUFFERS, 8));
            rings.driver.publish();
            assertTrue(rings.queue.enableNotification());
            assertEquals(head, rings.popChain().headIndex());
            assertFalse(rings.queue.enableNotification());
            rings.assertNextGoodChainIsServed();
        }
    }
}
