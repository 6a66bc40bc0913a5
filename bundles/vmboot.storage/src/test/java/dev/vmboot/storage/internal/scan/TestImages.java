package dev.vmboot.storage.internal.scan;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorOutputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorOutputStream;

import dev.vmboot.api.boot.Compression;

/** Boot image bytes built in the tests: ELF with and without the PVH note, a bzImage header, an FV header. */
final class TestImages {

    private TestImages() {
    }

    /**
     * An ELF64 (or ELF32) executable of {@code size} bytes with a PT_LOAD and a PT_NOTE at {@code noteOffset} holding
     * one note named {@code noteName} of type {@code noteType}.
     */
    static byte[] elf(boolean is64, int size, int noteOffset, String noteName, int noteType) {
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7F, 'E', 'L', 'F', (byte) (is64 ? 2 : 1), 1, 1, 0}).put(new byte[8]);
        b.putShort((short) 2).putShort((short) (is64 ? 62 : 3)).putInt(1);
        byte[] name = (noteName + "\0").getBytes(StandardCharsets.US_ASCII);
        int nameSize = (name.length + 3) & ~3;
        int noteSize = 12 + nameSize + 4;
        if (is64) {
            b.putLong(0x100000).putLong(64).putLong(0).putInt(0).putShort((short) 64).putShort((short) 56)
                    .putShort((short) 2).putShort((short) 64).putShort((short) 0).putShort((short) 0);
            b.putInt(1).putInt(5).putLong(0).putLong(0x100000).putLong(0x100000).putLong(size).putLong(size)
                    .putLong(0x1000);
            b.putInt(4).putInt(4).putLong(noteOffset).putLong(0).putLong(0).putLong(noteSize).putLong(noteSize)
                    .putLong(4);
        } else {
            b.putInt(0x100000).putInt(52).putInt(0).putInt(0).putShort((short) 52).putShort((short) 32)
                    .putShort((short) 2).putShort((short) 40).putShort((short) 0).putShort((short) 0);
            b.putInt(1).putInt(0).putInt(0x100000).putInt(0x100000).putInt(size).putInt(size).putInt(5)
                    .putInt(0x1000);
            b.putInt(4).putInt(noteOffset).putInt(0).putInt(0).putInt(noteSize).putInt(noteSize).putInt(4).putInt(4);
        }
        b.position(noteOffset);
        b.putInt(name.length).putInt(4).putInt(noteType).put(name);
        b.position(noteOffset + 12 + nameSize);
        b.putInt(0x100000);
        return b.array();
    }

    /** A PVH ELF64: note "Xen", XEN_ELFNOTE_PHYS32_ENTRY (18). */
    static byte[] pvhElf() {
        return elf(true, 8192, 0x200, "Xen", 18);
    }

    /** The first sector and the setup header magic of a bzImage (Documentation/arch/x86/boot.rst). */
    static byte[] bzImage(int size) {
        byte[] b = new byte[size];
        b[0x1FE] = 0x55;
        b[0x1FF] = (byte) 0xAA;
        b[0x200] = (byte) 0xEB;
        System.arraycopy("HdrS".getBytes(StandardCharsets.US_ASCII), 0, b, 0x202, 4);
        b[0x206] = 0x0F;
        b[0x207] = 0x02;
        for (int i = 0x400; i < size; i++) {
            b[i] = (byte) (i * 31);
        }
        return b;
    }

    /** An EFI_FIRMWARE_VOLUME_HEADER with a correct checksum at the start of {@code size} bytes (PI 1.8 Vol. 3). */
    static byte[] firmwareVolume(int size) {
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.position(16);
        b.put(new byte[] {(byte) 0x78, (byte) 0xE5, (byte) 0x8C, (byte) 0x8C, 0x3D, (byte) 0x8A, 0x1C, 0x4F,
            (byte) 0x99, 0x35, (byte) 0x89, 0x61, (byte) 0x85, (byte) 0xC3, 0x2D, (byte) 0xD3});
        b.putLong(size).put("_FVH".getBytes(StandardCharsets.US_ASCII)).putInt(0x0004FEFF).putShort((short) 0x48)
                .putShort((short) 0).putShort((short) 0).put((byte) 0).put((byte) 2);
        b.putInt(size / 4096).putInt(4096).putInt(0).putInt(0);
        int sum = 0;
        for (int i = 0; i < 0x48; i += 2) {
            sum += Short.toUnsignedInt(b.getShort(i));
        }
        b.putShort(50, (short) (0x10000 - (sum & 0xFFFF)));
        return b.array();
    }

    static byte[] compress(Compression c, byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream z = switch (c) {
            case GZIP -> new GzipCompressorOutputStream(out);
            case XZ -> new XZCompressorOutputStream(out);
            case ZSTD -> new ZstdCompressorOutputStream(out);
            case LZ4 -> new FramedLZ4CompressorOutputStream(out);
            case NONE -> out;
        }) {
            z.write(data);
        }
        return out.toByteArray();
    }
}
