package dev.vmboot.platform;

/**
 * A base address register a PCI function implements (PCI Local Bus Specification 3.0, 6.2.5.1 "Address Maps").
 *
 * @param index        BAR number 0–5 (a 64-bit BAR also occupies {@code index + 1})
 * @param kind         I/O, 32-bit memory or 64-bit memory
 * @param size         bytes decoded, a power of two: I/O 4–256, memory at least 16
 * @param prefetchable memory BAR bit 3
 */
public record PciBar(int index, Kind kind, long size, boolean prefetchable) {

    /** PCI 3.0, 6.2.5.1: bit 0 selects I/O space; memory bits 2:1 are the type (00 = 32-bit, 10 = 64-bit). */
    public enum Kind {
        IO, MEMORY32, MEMORY64
    }

    public PciBar {
        if (kind == null) {
            throw new IllegalArgumentException("BAR kind missing");
        }
        int maxIndex = kind == Kind.MEMORY64 ? 4 : 5;
        if (index < 0 || index > maxIndex) {
            throw new IllegalArgumentException("BAR index " + index + " out of range for " + kind);
        }
        if (Long.bitCount(size) != 1) {
            throw new IllegalArgumentException("BAR size must be a power of two: " + size);
        }
        if (kind == Kind.IO && (size < 4 || size > 256)) {
            throw new IllegalArgumentException("I/O BAR size must be 4..256 bytes: " + size); // PCI 3.0, 6.2.5.1
        }
        if (kind != Kind.IO && size < 16) {
            throw new IllegalArgumentException("memory BAR size must be at least 16 bytes: " + size);
        }
        if (kind == Kind.MEMORY32 && size > (1L << 31)) {
            throw new IllegalArgumentException("32-bit memory BAR too large: " + size);
        }
        if (kind == Kind.IO && prefetchable) {
            throw new IllegalArgumentException("I/O BARs are not prefetchable");
        }
    }

    public static PciBar io(int index, long size) {
        return new PciBar(index, Kind.IO, size, false);
    }

    public static PciBar memory32(int index, long size, boolean prefetchable) {
        return new PciBar(index, Kind.MEMORY32, size, prefetchable);
    }

    public static PciBar memory64(int index, long size, boolean prefetchable) {
        return new PciBar(index, Kind.MEMORY64, size, prefetchable);
    }

    public boolean isIo() {
        return kind == Kind.IO;
    }

    /** The read-only low bits of the BAR register. */
    int flagBits() {
        switch (kind) {
        case IO:
            return 0x1;
        case MEMORY64:
            return 0x4 | (prefetchable ? 0x8 : 0);
        default:
            return prefetchable ? 0x8 : 0;
        }
    }

    /** Bits of the BAR register(s) software can write: the address bits at or above the size. */
    long addressMask() {
        long mask = ~(size - 1);
        return kind == Kind.MEMORY64 ? mask : mask & 0xFFFF_FFFFL;
    }
}
