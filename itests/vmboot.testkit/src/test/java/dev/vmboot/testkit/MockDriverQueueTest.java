package dev.vmboot.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.vmboot.testkit.MockDriverQueue.Buffer;
import dev.vmboot.testkit.MockDriverQueue.RawDescriptor;
import dev.vmboot.testkit.MockDriverQueue.UsedElement;

/** The fixture writes the split-ring structures of virtio 1.2, 2.7.5, 2.7.6 and 2.7.8 byte for byte. */
class MockDriverQueueTest {

    private final HeapGuestMemory memory = new HeapGuestMemory(1 << 20);
    private final MockDriverQueue driver = MockDriverQueue.at(memory, 4, 0x1000);

    @Test
    void packsTheRingsAsAModernDriverDoes() {
        assertEquals(0x1000, driver.descriptorTable());
        assertEquals(0x1000 + 16 * 4, driver.availableRing());
        // available ring: 4 + 2 * 4 bytes + used_event = 14, then aligned to 4
        assertEquals(0x1000 + 64 + 16, driver.usedRing());
        assertEquals(64 + 16 + 6 + 8 * 4, MockDriverQueue.footprint(4));
        assertThrows(IllegalArgumentException.class, () -> MockDriverQueue.at(memory, 4, 0x1008));
    }

    @Test
    void aChainIsLinkedDescriptorsAndAnAvailableEntry() {
        int head = driver.addChain(Buffer.readable(0x5000, 10), Buffer.writable(0x6000, 20));
        assertEquals(0, head);
        assertEquals(new RawDescriptor(0x5000, 10, MockDriverQueue.F_NEXT, 1), driver.descriptor(0));
        assertEquals(new RawDescriptor(0x6000, 20, MockDriverQueue.F_WRITE, 0), driver.descriptor(1));
        // le64 addr, le32 len, le16 flags, le16 next
        assertEquals(0x5000, memory.readLong(0x1000));
        assertEquals(10, memory.readInt(0x1008));
        assertEquals(1, memory.readShort(0x100C));
        assertEquals(1, memory.readShort(0x100E));
        long avail = driver.availableRing();
        assertEquals(0, memory.readShort(avail + 4), "ring[0] holds the head");
        assertEquals(0, driver.availIndex(), "not yet published");
        assertEquals(1, driver.publish());
        assertEquals(1, memory.readShort(avail + 2));
    }

    @Test
    void anIndirectChainIsOneDescriptorPointingAtATable() {
        driver.addChain(Buffer.readable(0x5000, 1));
        int head = driver.addIndirectChain(0x8000, Buffer.readable(0x5000, 8), Buffer.writable(0x6000, 8));
        assertEquals(1, head);
        assertEquals(new RawDescriptor(0x8000, 32, MockDriverQueue.F_INDIRECT, 0), driver.descriptor(1));
        assertEquals(0x5000, memory.readLong(0x8000));
        assertEquals(MockDriverQueue.F_NEXT, memory.readShort(0x800C));
        assertEquals(1, memory.readShort(0x800E));
        assertEquals(0x6000, memory.readLong(0x8010));
        assertEquals(MockDriverQueue.F_WRITE, memory.readShort(0x801C));
    }

    @Test
    void descriptorsComeRoundTheTable() {
        assertEquals(0, driver.addChain(Buffer.readable(0, 1), Buffer.readable(0, 1), Buffer.readable(0, 1)));
        assertEquals(3, driver.addChain(Buffer.readable(0, 1), Buffer.readable(0, 1)));
        assertEquals(new RawDescriptor(0, 1, MockDriverQueue.F_NEXT, 0), driver.descriptor(3));
        assertEquals(1, driver.allocateDescriptor());
        assertThrows(IllegalArgumentException.class, () -> driver.addChain(new Buffer[5]));
    }

    @Test
    void availableEntriesAndIndexWrapLikeADriversDo() {
        driver.setAvailIndex(0xFFFF);
        driver.offer(7);
        driver.offer(9);
        assertEquals(1, driver.publish());
        long avail = driver.availableRing();
        assertEquals(7, memory.readShort(avail + 4 + 2 * 3), "index 0xFFFF is ring entry 3");
        assertEquals(9, memory.readShort(avail + 4), "index 0x10000 is ring entry 0");
        driver.setAvailFlags(MockDriverQueue.AVAIL_F_NO_INTERRUPT);
        driver.setUsedEvent(0xABCD);
        assertEquals(1, memory.readShort(avail));
        assertEquals((short) 0xABCD, memory.readShort(avail + 4 + 2 * 4));
    }

    @Test
    void usedElementsAreReadAsADeviceWroteThem() {
        long used = driver.usedRing();
        // what a device does: element {id, len} at ring[i], then idx
        memory.writeInt(used + 4, 2);
        memory.writeInt(used + 8, -1);
        memory.writeInt(used + 12, 3);
        memory.writeInt(used + 16, 512);
        memory.writeShort(used + 2, (short) 2);
        memory.writeShort(used, (short) MockDriverQueue.USED_F_NO_NOTIFY);
        memory.writeShort(used + 4 + 8 * 4, (short) 5);
        assertEquals(2, driver.usedIndex());
        assertEquals(new UsedElement(2, 0xFFFF_FFFFL), driver.usedElement(0));
        assertEquals(new UsedElement(3, 512), driver.usedElement(5), "index 5 is ring entry 1");
        assertEquals(MockDriverQueue.USED_F_NO_NOTIFY, driver.usedFlags());
        assertEquals(5, driver.availEvent());
        assertEquals(List.of(new UsedElement(2, 0xFFFF_FFFFL), new UsedElement(3, 512)), driver.takeUsed());
        assertEquals(List.of(), driver.takeUsed());
        driver.setAvailEvent(9);
        assertEquals(9, driver.availEvent());
        memory.writeShort(used + 2, (short) 7); // five more than the ring holds since the last take
        assertThrows(IllegalStateException.class, driver::takeUsed);
    }

    @Test
    void theRingsStartZeroed() {
        for (int i = 0; i < 0x400; i++) {
            memory.writeByte(0x2000 + i, (byte) 0xFF);
        }
        MockDriverQueue fresh = MockDriverQueue.at(memory, 8, 0x2000);
        assertEquals(0, fresh.availIndex());
        assertEquals(0, fresh.usedIndex());
        assertEquals(0, fresh.usedFlags());
        assertEquals(0, fresh.availEvent());
        assertEquals(new RawDescriptor(0, 0, 0, 0), fresh.descriptor(7));
    }

    /** 2.7.10: the driver notifies unless the device set NO_NOTIFY, or, with EVENT_IDX, unless avail_event was not passed. */
    @Test
    void publishingSaysWhetherTheDeviceWantsANotification() {
        long used = driver.usedRing();
        driver.addChain(Buffer.readable(0x5000, 1));
        assertTrue(driver.publishAndCheckNotification(false));
        memory.writeShort(used, (short) MockDriverQueue.USED_F_NO_NOTIFY);
        driver.addChain(Buffer.readable(0x5000, 1));
        assertFalse(driver.publishAndCheckNotification(false));
        // EVENT_IDX: the device asked to hear of the entry at index 3; this publication moves idx 2 -> 3: not yet
        driver.setAvailEvent(3);
        driver.addChain(Buffer.readable(0x5000, 1));
        assertFalse(driver.publishAndCheckNotification(true));
        driver.addChain(Buffer.readable(0x5000, 1));
        assertTrue(driver.publishAndCheckNotification(true), "3 -> 4 makes entry 3 available");
        assertFalse(driver.publishAndCheckNotification(true), "nothing new");
    }
}
