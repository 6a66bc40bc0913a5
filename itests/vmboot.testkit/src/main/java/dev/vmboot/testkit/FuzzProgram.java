package dev.vmboot.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a structure-aware fuzz target's input, the counterpart of {@link FuzzInput}: little-endian numbers, front to
 * back. The seed generators of the device fuzz targets build their programs with it and add the operations of their
 * own input format on top.
 */
public class FuzzProgram {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    public FuzzProgram u8(int v) {
        bytes.write(v);
        return this;
    }

    public FuzzProgram u16(int v) {
        return u8(v).u8(v >>> 8);
    }

    public FuzzProgram u32(long v) {
        return u16((int) v).u16((int) (v >>> 16));
    }

    public FuzzProgram u64(long v) {
        return u32(v).u32(v >>> 32);
    }

    /** The low {@code size} bytes of {@code v}, as {@link FuzzInput#bytes(int)} reads them. */
    public FuzzProgram bytes(int size, long v) {
        for (int i = 0; i < size; i++) {
            u8((int) (v >>> (8 * i)));
        }
        return this;
    }

    public byte[] toByteArray() {
        return bytes.toByteArray();
    }

    /** Writes the program as {@code dir/name}, creating {@code dir}. */
    public void writeTo(Path dir, String name) throws IOException {
        Files.createDirectories(dir);
        Files.write(dir.resolve(name), toByteArray());
    }
}
