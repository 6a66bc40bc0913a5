package dev.vmboot.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import org.junit.jupiter.api.Test;

/** mmap and eventfd through the direct-mapped libc; no KVM needed. */
class NativeResourcesTest {

    @Test
    void anonymousMemoryIsSharedBetweenItsBuffers() throws Exception {
        try (AnonymousMemory m = AnonymousMemory.allocate(3 << 12)) {
            List<ByteBuffer> chunks = m.buffers(0, 3 << 12, 12);
            assertEquals(3, chunks.size());
            chunks.get(1).order(ByteOrder.LITTLE_ENDIAN).putInt(8, 0x12345678);
            ByteBuffer whole = m.buffers(4096, 8192, 13).get(0).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(0x12345678, whole.getInt(8));
            assertEquals(0, whole.getInt(4096)); // fresh anonymous pages are zero
        }
    }

    @Test
    void guestSizedMemoryStartsOnAHugePageBoundaryAndIsUsableToItsLastByte() throws Exception {
        long size = 6L << 20;
        try (AnonymousMemory m = AnonymousMemory.allocate(size)) {
            assertEquals(0, m.hostAddress() % AnonymousMemory.HUGE_PAGE, "2 MiB aligned for huge pages");
            List<ByteBuffer> chunks = m.buffers(0, size, 21);
            assertEquals(3, chunks.size());
            ByteBuffer last = chunks.get(2);
            last.put(last.capacity() - 1, (byte) 0x5A);
            assertEquals(0x5A, m.buffers(size - 4096, 4096, 12).get(0).get(4095));
            assertEquals(0, chunks.get(0).get(0));
        }
    }

    @Test
    void badSizesAndWindowsAreRejected() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> AnonymousMemory.allocate(4095));
        try (AnonymousMemory m = AnonymousMemory.allocate(4096)) {
            assertThrows(IllegalArgumentException.class, () -> m.buffers(0, 8192, 12));
        }
    }

    @Test
    void eventFdCountsSignals() throws Exception {
        try (EventFd e = EventFd.create(true)) {
            assertEquals(0, e.take());
            e.signal(2);
            e.signal(3);
            assertEquals(5, e.take());
            assertEquals(0, e.take());
        }
    }
}
