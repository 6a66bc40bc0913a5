package dev.vmboot.api.memory;

/**
 * A guest physical address range that is not backed by guest RAM. Device models see this when a (possibly hostile)
 * guest hands them a bad pointer; it is never turned into a host memory access.
 */
public class GuestMemoryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final long address;
    private final long length;

    public GuestMemoryException(long address, long length, String problem) {
        super(String.format("guest memory [0x%x, +0x%x): %s", address, length, problem));
        this.address = address;
        this.length = length;
    }

    public long address() {
        return address;
    }

    public long length() {
        return length;
    }
}
