package dev.vmboot.virtio;

/**
 * Reads a fuzzer's bytes as little-endian numbers, front to back; past the end every number is 0, so any input,
 * however short, decodes to something.
 */
final class FuzzInput {
    private final byte[] data;
    private int at;

    FuzzInput(byte[] data) {
        this.data = data;
    }

    boolean exhausted() {
        return at >= data.length;
    }

    int u8() {
        return at < data.length ? data[at++] & 0xFF : 0;
    }

    int u16() {
        return u8() | u8() << 8;
    }

    long u32() {
        return u16() | (long) u16() << 16;
    }

    long u64() {
        return u32() | u32() << 32;
    }
}
