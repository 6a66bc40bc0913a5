package dev.vmboot.api.memory;

/**
 * A contiguous range of guest physical memory.
 *
 * @param guestAddress first guest physical address
 * @param size         bytes
 * @param readOnly     true for ROM/flash the guest cannot write
 */
public record MemoryRegion(long guestAddress, long size, boolean readOnly) {
    public MemoryRegion {
        if (size <= 0 || guestAddress < 0 || guestAddress + size < guestAddress) {
            throw new IllegalArgumentException(String.format("bad region 0x%x +0x%x", guestAddress, size));
        }
    }

    /** One past the last address. */
    public long end() {
        return guestAddress + size;
    }

    /** Whether {@code [address, address + length)} lies inside this region. */
    public boolean contains(long address, long length) {
        return address >= guestAddress && length >= 0 && address - guestAddress <= size - length;
    }
}
