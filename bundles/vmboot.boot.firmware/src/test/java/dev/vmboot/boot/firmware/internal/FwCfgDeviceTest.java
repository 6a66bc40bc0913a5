package dev.vmboot.boot.firmware.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.vmboot.api.device.GuestLogLimiter;
import dev.vmboot.api.memory.MemoryRegion;
import dev.vmboot.memory.RegionGuestMemory;
import dev.vmboot.testkit.HeapGuestMemory;
import dev.vmboot.testkit.LogLineCapture;

class FwCfgDeviceTest {
    private static final int SELECTOR = 0;
    private static final int DATA = 1;
    private HeapGuestMemory memory;
    private FwCfgDevice device;

    @BeforeEach
    void setUp() {
        memory = new HeapGuestMemory(1 << 20);
        FwCfgItems items = new FwCfgItems(1L << 30, 2, new byte[16]);
        items.addFile("etc/e820", new byte[] {1, 2, 3, 4, 5});
        items.addFile("bootorder", "/pci@i0cf8/x".getBytes(StandardCharsets.US_ASCII));
        device = new FwCfgDevice(items, memory, GuestLogLimiter.perMinute("VM t"));
    }

    private byte[] readItem(int selector, int length) {
        device.write(SELECTOR, 2, selector);
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) device.read(DATA, 1);
        }
        return b;
    }

    @Test
    void signatureIdCpusAndRamThroughTheDataPort() {
        assertArrayEquals("QEMU".getBytes(StandardCharsets.US_ASCII), readItem(FwCfgItems.SIGNATURE, 4));
        assertArrayEquals(new byte[] {3, 0, 0, 0}, readItem(FwCfgItems.ID, 4));
        assertArrayEquals(new byte[] {2, 0}, readItem(FwCfgItems.NB_CPUS, 2));
        assertArrayEquals(new byte[] {0, 0, 0, 0x40, 0, 0, 0, 0}, readItem(FwCfgItems.RAM_SIZE, 8));
        // Past the end and unknown items read as zeros.
        assertArrayEquals(new byte[] {'Q', 'E', 'M', 'U', 0, 0}, readItem(FwCfgItems.SIGNATURE, 6));
        assertArrayEquals(new byte[4], readItem(0x7FFF, 4));
    }

    @Test
    void fileDirectoryIsSortedBigEndianWithSelectors() {
        ByteBuffer dir = ByteBuffer.wrap(readItem(FwCfgItems.FILE_DIR, 4 + 2 * 64));
        assertEquals(2, dir.getInt());
        assertEquals(12, dir.getInt());
        assertEquals(0x21, dir.getShort());
        dir.getShort();
        byte[] name = new byte[56];
        dir.get(name);
        assertEquals("bootorder", new String(name, StandardCharsets.US_ASCII).replace("\0", ""));
        assertEquals(5, dir.getInt());
        assertEquals(0x20, dir.getShort());
    }

    @Test
    void dmaSelectAndReadCopiesIntoGuestRamAndClearsControl() {
        long access = 0x1000;
        long target = 0x2000;
        memory.write(target, new byte[] {9, 9, 9, 9, 9, 9, 9, 9});
        writeAccess(access, (0x20 << 16) | FwCfgDevice.DMA_SELECT | FwCfgDevice.DMA_READ, 7, target);
        startDma(access);
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 0, 0, 9}, memory.read(target, 8));
        assertEquals(0, memory.readInt(access));
    }

    @Test
    void dmaSkipThenDataPortContinuesAtTheOffset() {
        long access = 0x1000;
        writeAccess(access, (0x20 << 16) | FwCfgDevice.DMA_SELECT | FwCfgDevice.DMA_SKIP, 3, 0);
        startDma(access);
        assertEquals(4, device.read(DATA, 1));
    }

    @Test
    void hostileTargetsFailWithTheErrorBitAndWritesAreRefused() {
        long access = 0x1000;
        writeAccess(access, (0x20 << 16) | FwCfgDevice.DMA_SELECT | FwCfgDevice.DMA_READ, 5, (1L << 20) - 2);
        startDma(access);
        assertEquals(FwCfgDevice.DMA_ERROR, Integer.reverseBytes(memory.readInt(access)));
        writeAccess(access, FwCfgDevice.DMA_WRITE, 4, 0x3000);
        startDma(access);
        assertEquals(FwCfgDevice.DMA_ERROR, Integer.reverseBytes(memory.readInt(access)));
        // A descriptor outside RAM is ignored: nothing to write the status to, and no exception.
        device.write(4, 4, Integer.reverseBytes(1));
        device.write(8, 4, 0);
    }

    /**
     * Guest RAM beside a read-only flash (as {@link FirmwareBootProtocol} maps OVMF.fd) whose bytes hold a descriptor:
     * the request would copy into RAM and then fail to write its status back into the flash (found by FwCfgFuzzTest:
     * the GuestMemoryException came out of the device). A descriptor the device cannot write back is refused whole;
     * a target in the flash fails with the error bit.
     */
    @Test
    void descriptorsAndTargetsInReadOnlyMemoryAreRefused() {
        long flash = 0x10_0000;
        ByteBuffer rom = ByteBuffer.allocate(0x1000);
        rom.putInt(0, (0x20 << 16) | FwCfgDevice.DMA_SELECT | FwCfgDevice.DMA_READ).putInt(4, 5).putLong(8, 0x2000);
        RegionGuestMemory withFlash = RegionGuestMemory.onHeap(new MemoryRegion(0, 1 << 20, false));
        withFlash.map(new MemoryRegion(flash, rom.capacity(), true), rom);
        FwCfgItems items = new FwCfgItems(1L << 30, 2, new byte[16]);
        items.addFile("etc/e820", new byte[] {1, 2, 3, 4, 5});
        FwCfgDevice d = new FwCfgDevice(items, withFlash, GuestLogLimiter.perMinute("VM t"));
        d.write(4, 4, 0);
        d.write(8, 4, Integer.reverseBytes((int) flash));
        assertArrayEquals(new byte[5], withFlash.read(0x2000, 5), "nothing copied for a request that cannot end");
        long access = 0x1000;
        withFlash.writeInt(access, Integer.reverseBytes((0x20 << 16) | FwCfgDevice.DMA_SELECT | FwCfgDevice.DMA_READ));
        withFlash.writeInt(access + 4, Integer.reverseBytes(5));
        withFlash.writeLong(access + 8, Long.reverseBytes(flash + 0x100));
        d.write(8, 4, Integer.reverseBytes((int) access));
        assertEquals(FwCfgDevice.DMA_ERROR, Integer.reverseBytes(withFlash.readInt(access)), "a target in the flash");
        // the same request into RAM (its control word rewritten: the status replaced it) is served
        withFlash.writeInt(access, Integer.reverseBytes((0x20 << 16) | FwCfgDevice.DMA_SELECT | FwCfgDevice.DMA_READ));
        withFlash.writeLong(access + 8, Long.reverseBytes(0x2000));
        d.write(8, 4, Integer.reverseBytes((int) access));
        assertEquals(0, Integer.reverseBytes(withFlash.readInt(access)), "the next good request");
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, withFlash.read(0x2000, 5));
    }

    @Test
    void aGuestFloodingBadDmaRequestsLogsAFewHundredLinesAtMost() {
        long access = 0x1000;
        try (LogLineCapture log = LogLineCapture.all()) {
            for (int i = 0; i < 10_000; i++) {
                writeAccess(access, FwCfgDevice.DMA_READ, 4, 1L << 40); // a target outside guest RAM
                startDma(access);
                startDma(1L << 40); // a descriptor outside guest RAM
            }
            assertTrue(log.records().size() <= GuestLogLimiter.DEFAULT_LINES + 1, log.records().size()
                    + " lines logged");
        }
        assertEquals(FwCfgDevice.DMA_ERROR, Integer.reverseBytes(memory.readInt(access)));
    }

    @Test
    void dmaAddressRegisterReadsTheSignature() {
        assertEquals(0x554D4551, device.read(4, 4)); // "QEMU"
        assertEquals(0x47464320, device.read(8, 4)); // " CFG"
    }

    private void writeAccess(long at, int control, int length, long address) {
        memory.writeInt(at, Integer.reverseBytes(control));
        memory.writeInt(at + 4, Integer.reverseBytes(length));
        memory.writeLong(at + 8, Long.reverseBytes(address));
    }

    /** The guest writes the big-endian halves with 32-bit port writes, as OVMF's QemuFwCfgLib does. */
    private void startDma(long access) {
        device.write(4, 4, Integer.reverseBytes((int) (access >>> 32)));
        device.write(8, 4, Integer.reverseBytes((int) access));
    }
}
