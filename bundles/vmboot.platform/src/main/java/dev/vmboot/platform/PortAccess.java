package dev.vmboot.platform;

/** Helpers for splitting port accesses wider than a byte over byte-wide registers, as the ISA bus does. */
final class PortAccess {

    private PortAccess() {
    }

    /** All-ones for an access of {@code size} bytes: what an undecoded read returns. */
    static int allOnes(int size) {
        return size >= 4 ? 0xFFFFFFFF : (1 << (8 * size)) - 1;
    }

    /** Checks an access size; devices reject nothing else than 1, 2 or 4. */
    static boolean validSize(int size) {
        return size == 1 || size == 2 || size == 4;
    }
}
