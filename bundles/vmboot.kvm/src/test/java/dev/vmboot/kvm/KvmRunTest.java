package dev.vmboot.kvm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.junit.jupiter.api.Test;

/** Decoding a {@code kvm_run} page laid out as the kernel writes it (little-endian, include/uapi/linux/kvm.h). */
class KvmRunTest {
    private static final int PAGE = 4096;
    private final ByteBuffer page = ByteBuffer.allocate(PAGE).order(ByteOrder.LITTLE_ENDIAN);
    private final KvmRun run = new KvmRun(page);

    private void ioExit(int direction, int size, int port, int count, long dataOffset) {
        page.putInt(8, KvmExit.IO);
        page.put(32, (byte) direction).put(33, (byte) size).putShort(34, (short) port).putInt(36, count)
                .putLong(40, dataOffset);
    }

    @Test
    void anOutStringExitYieldsEachItemAtItsSize() {
        ioExit(KvmExit.IO_OUT, 2, 0xCF8, 3, 0x800);
        page.putShort(0x800, (short) 0x1234).putShort(0x802, (short) 0xFFFE).putShort(0x804, (short) 7);

        assertEquals(KvmExit.IO, run.exitReason());
        assertEquals(KvmExit.IO_OUT, run.ioDirection());
        assertEquals(0xCF8, run.ioPort());
        assertEquals(3, run.ioCount());
        assertEquals(0x1234, run.ioData(0));
        assertEquals(0xFFFE, run.ioData(1), "16-bit items are unsigned");
        assertEquals(7, run.ioData(2));
    }

    @Test
    void anInExitStoresTheDeviceValueWhereTheKernelReadsIt() {
        ioExit(KvmExit.IO_IN, 1, 0xFFFF, 1, 0x800);
        page.put(0x801, (byte) 0x55);

        run.setIoData(0, 0x1AB);

        assertEquals(0xFFFF, run.ioPort(), "port numbers are unsigned");
        assertEquals((byte) 0xAB, page.get(0x800), "a 1-byte IN stores one byte");
        assertEquals(0x55, page.get(0x801), "and nothing beyond it");
    }

    @Test
    void aDataOffsetOutsideThePageIsRefusedNotFollowed() {
        ioExit(KvmExit.IO_OUT, 4, 0x510, 2, PAGE - 4);
        assertEquals(0, run.ioData(0));
        assertThrows(IllegalStateException.class, () -> run.ioData(1));
        ioExit(KvmExit.IO_OUT, 4, 0x510, 1, -8);
        assertThrows(IllegalStateException.class, () -> run.ioData(0));
    }

    @Test
    void mmioExitsCarryAddressLengthAndLittleEndianData() {
        page.putInt(8, KvmExit.MMIO);
        page.putLong(32, 0xFED0_0000L).putLong(40, 0x0102_0304_0506_0708L).putInt(48, 4).put(52, (byte) 1);

        assertEquals(0xFED0_0000L, run.mmioAddress());
        assertEquals(4, run.mmioLength());
        assertTrue(run.mmioIsWrite());
        assertEquals(0x0102_0304_0506_0708L, run.mmioData());

        run.setMmioData(0xCAFEL);
        assertEquals((byte) 0xFE, page.get(40));
        assertEquals((byte) 0xCA, page.get(41));
    }

    @Test
    void immediateExitIsTheSecondByte() {
        run.setImmediateExit(true);
        assertEquals(1, page.get(1));
        assertTrue(run.immediateExit());
        run.setImmediateExit(false);
        assertFalse(run.immediateExit());
    }

    @Test
    void internalErrorDataIsBoundedBySixteenWords() {
        page.putInt(8, KvmExit.INTERNAL_ERROR);
        page.putInt(32, 1).putInt(36, 1000);
        for (int i = 0; i < 16; i++) {
            page.putLong(40 + 8 * i, i + 1);
        }
        long[] expected = new long[16];
        for (int i = 0; i < 16; i++) {
            expected[i] = i + 1;
        }
        assertEquals(1, run.internalSuberror());
        assertArrayEquals(expected, run.internalData());
        page.putInt(36, -5);
        assertEquals(0, run.internalData().length);
    }
}
