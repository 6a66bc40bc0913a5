package dev.vmboot.acpi;

import java.nio.ByteBuffer;

/**
 * A Generic Address Structure (ACPI 6.5, 5.2.3.2, Table 5.1): Address Space ID 0, Register Bit Width 1, Register Bit
 * Offset 2, Access Size 3, Address 4 (8 bytes); 12 bytes in all.
 */
public record GenericAddress(int spaceId, int bitWidth, int bitOffset, int accessSize, long address) {

    public static final int SIZE = 12;
    /** Table 5.1: Address Space ID 1 = System I/O. */
    public static final int SYSTEM_IO = 1;
    /** The all-zero structure: "not present". */
    public static final GenericAddress NONE = new GenericAddress(0, 0, 0, 0, 0);

    /** A register of {@code bits} (8, 16, 32 or 64) in I/O space, accessed with its own width. */
    public static GenericAddress systemIo(int port, int bits) {
        int accessSize = switch (bits) { // Table 5.1: 1 byte, 2 word, 3 dword, 4 qword access
            case 8 -> 1;
            case 16 -> 2;
            case 32 -> 3;
            case 64 -> 4;
            default -> throw new IllegalArgumentException("register width " + bits);
        };
        return new GenericAddress(SYSTEM_IO, bits, 0, accessSize, port & 0xFFFF);
    }

    void writeTo(ByteBuffer b) {
        b.put((byte) spaceId).put((byte) bitWidth).put((byte) bitOffset).put((byte) accessSize).putLong(address);
    }
}
