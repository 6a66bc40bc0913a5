package dev.vmboot.api.virtio;

/**
 * One checked buffer of a descriptor chain (virtio 1.2, 2.7.5): {@code [address, address + length)} lies inside one
 * guest RAM region, and if {@code writable} (device-writable, VIRTQ_DESC_F_WRITE) that region is not read-only.
 *
 * @param address  guest physical address
 * @param length   bytes, 0 to 2^32 - 1
 * @param writable whether the device writes it (else it reads it)
 */
public record Descriptor(long address, long length, boolean writable) {
    public Descriptor {
        if (address < 0 || length < 0 || length > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException(String.format("bad descriptor 0x%x +0x%x", address, length));
        }
    }
}
