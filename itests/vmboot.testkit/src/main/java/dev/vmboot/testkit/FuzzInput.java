package dev.vmboot.testkit;

/**
 * Reads a fuzzer's bytes as little-endian numbers, front to back; past the end every number is 0, so any input,
 * however short, decodes to something. The structure-aware fuzz targets (virtqueue, devices) read their programs with
 * it, and their seed generators write them with {@link FuzzProgram}.
 */
public final class FuzzInput {
    private final byte[] data;
    private int at;

    public FuzzInput(byte[] data) {
        this.data = data;
    }

    public boolean exhausted() {
        return at >= data.length;
    }

    public int u8() {
        return at < data.length ? data[at++] & 0xFF : 0;
    }

    public int u16() {
        return u8() | u8() << 8;
    }

    public long u32() {
        return u16() | (long) u16() << 16;
    }

    public long u64() {
        return u32() | u32() << 32;
    }

    /** The low {@code size} (1, 2, 4 or 8) bytes of a number, as a device access of that width carries. */
    public long bytes(int size) {
        long v = 0;
        for (int i = 0; i < size; i++) {
            v |= (long) u8() << (8 * i);
        }
        return v;
    }
}
