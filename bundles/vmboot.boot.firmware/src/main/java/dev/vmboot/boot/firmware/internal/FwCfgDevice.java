package dev.vmboot.boot.firmware.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.vmboot.api.device.GuestLogLimiter;
import dev.vmboot.api.device.PortIoDevice;
import dev.vmboot.api.memory.GuestMemory;
import dev.vmboot.api.memory.GuestMemoryException;
import dev.vmboot.api.memory.MemoryRegion;

/**
 * QEMU's firmware configuration device on x86 I/O ports (QEMU docs/specs/fw_cfg.rst): selector at 0x510, data at
 * 0x511, DMA address at 0x514 (high half) and 0x518 (low half, writing it starts the transfer). Registered at
 * {@link #BASE} with length {@link #LENGTH}; offsets below are relative to it.
 *
 * <p>A guest pointer that is not RAM fails the DMA request with the error bit; it never touches host memory, and
 * nothing the guest writes here throws. Such requests are logged through the machine's {@link GuestLogLimiter}, so a
 * guest repeating them cannot flood the log.
 */
final class FwCfgDevice implements PortIoDevice {
    static final int BASE = 0x510;
    static final int LENGTH = 0x0C;
    private static final int SELECTOR = 0x0;
    private static final int DATA = 0x1;
    private static final int DMA_HIGH = 0x4;
    private static final int DMA_LOW = 0x8;
    /** "QEMU CFG" read from the DMA address register, big-endian (fw_cfg.rst, "DMA Address Register"). */
    private static final long DMA_SIGNATURE = 0x51454D5520434647L;
    /** sizeof(FWCfgDmaAccess): be32 control, be32 length, be64 address (fw_cfg.rst, "DMA interface"). */
    private static final int DESCRIPTOR_SIZE = 16;
    // FWCfgDmaAccess.control bits (qemu_fw_cfg.h)
    static final int DMA_ERROR = 0x01;
    static final int DMA_READ = 0x02;
    static final int DMA_SKIP = 0x04;
    static final int DMA_SELECT = 0x08;
    static final int DMA_WRITE = 0x10;
    private static final Logger LOG = LoggerFactory.getLogger(FwCfgDevice.class);

    private final FwCfgItems items;
    private final GuestMemory memory;
    private final GuestLogLimiter guestLog;
    private byte[] current = new byte[0];
    private int offset;
    private long dmaHigh;

    FwCfgDevice(FwCfgItems items, GuestMemory memory, GuestLogLimiter guestLog) {
        this.items = items;
        this.memory = memory;
        this.guestLog = guestLog;
        select(FwCfgItems.SIGNATURE);
    }

    @Override
    public synchronized int read(int port, int size) {
        if (port == DATA) {
            int value = 0;
            for (int i = 0; i < size; i++) {
                value |= (nextByte() & 0xFF) << (8 * i);
            }
            return value;
        }
        if (port >= DMA_HIGH && port + size <= LENGTH) {
            int value = 0;
            for (int i = 0; i < size; i++) {
                int byteIndex = port - DMA_HIGH + i; // 0 = most significant byte of the signature
                value |= (int) ((DMA_SIGNATURE >>> (8 * (7 - byteIndex))) & 0xFF) << (8 * i);
            }
            return value;
        }
        return -1;
    }

    @Override
    public synchronized void write(int port, int size, int value) {
        switch (port) {
            case SELECTOR:
                select(value & 0xFFFF);
                break;
            case DMA_HIGH:
                dmaHigh = Integer.reverseBytes(value) & 0xFFFFFFFFL;
                break;
            case DMA_LOW:
                long address = (dmaHigh << 32) | (Integer.reverseBytes(value) & 0xFFFFFFFFL);
                dmaHigh = 0;
                dma(address);
                break;
            default:
                // Writes to the data register are not supported (QEMU ignores them since 2.4).
                break;
        }
    }

    private void select(int selector) {
        current = items.item(selector);
        offset = 0;
    }

    private byte nextByte() {
        return offset < current.length ? current[offset++] : 0;
    }

    /**
     * Runs one FWCfgDmaAccess (be32 control, be32 length, be64 address) and writes the control word back. A descriptor
     * that does not lie in writable guest RAM (outside memory, or in the read-only flash) is refused whole: its status
     * could not be written back, so the guest could not tell what happened.
     */
    private void dma(long accessAddress) {
        if (!writableRam(accessAddress, DESCRIPTOR_SIZE)) {
            guestLog.warn(LOG, "fw_cfg DMA descriptor at 0x{} is not in writable guest RAM; ignored",
                    Long.toHexString(accessAddress));
            return;
        }
        int control = Integer.reverseBytes(memory.readInt(accessAddress));
        int length = Integer.reverseBytes(memory.readInt(accessAddress + 4));
        long target = Long.reverseBytes(memory.readLong(accessAddress + 8));
        int status = 0;
        if ((control & DMA_SELECT) != 0) {
            select(control >>> 16);
        }
        try {
            if ((control & DMA_WRITE) != 0) {
                status = DMA_ERROR; // no item is writable
            } else if ((control & DMA_READ) != 0) {
                copyToGuest(target, length);
            } else if ((control & DMA_SKIP) != 0) {
                offset = (int) Math.min((long) offset + (length & 0xFFFFFFFFL), current.length);
            }
        } catch (GuestMemoryException e) {
            guestLog.warn(LOG, "fw_cfg DMA target outside guest RAM: {}", e.getMessage());
            status = DMA_ERROR;
        }
        memory.writeInt(accessAddress, Integer.reverseBytes(status));
    }

    private void copyToGuest(long target, int length) {
        long len = length & 0xFFFFFFFFL;
        long available = Math.max(0, current.length - offset);
        int n = (int) Math.min(len, available);
        if (!writableRam(target, len)) {
            throw new GuestMemoryException(target, len, "fw_cfg DMA read target is not writable guest RAM");
        }
        memory.write(target, current, offset, n);
        if (len > n) {
            memory.zero(target + n, len - n); // reads past an item's end give zeros
        }
        offset += n;
    }

    /** Whether {@code [address, address + length)} lies in one region of guest memory that is not read-only. */
    private boolean writableRam(long address, long length) {
        for (MemoryRegion r : memory.regions()) {
            if (r.contains(address, length)) {
                return !r.readOnly();
            }
        }
        return false;
    }
}
