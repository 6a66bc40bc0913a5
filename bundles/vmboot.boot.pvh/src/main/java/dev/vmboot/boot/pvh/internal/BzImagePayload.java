package dev.vmboot.boot.pvh.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

import org.apache.commons.compress.MemoryLimitException;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.lzma.LZMACompressorInputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream;

import dev.vmboot.api.boot.BootException;
import dev.vmboot.api.boot.BootImage;
import dev.vmboot.api.boot.DecompressionLimits;
import dev.vmboot.linux.image.SetupHeader;

/**
 * The kernel ELF inside a bzImage: its protected-mode part carries the compressed vmlinux as a payload, which the
 * setup header locates (Documentation/arch/x86/boot.rst, protocol 2.08+: payload_offset at 0x248, relative to the
 * protected-mode code at {@code (setup_sects + 1) * 512}, and payload_length at 0x24C). The compression is told by
 * its magic number (the formats arch/x86/boot/compressed can build); the payload's last four bytes are the
 * uncompressed size (scripts/Makefile.lib size_append), which bounds and checks the result: unpacking stops one byte
 * past it, so a payload that unpacks to more (an output bomb) costs no more than the trailer says. The decompressors
 * are held to {@link DecompressionLimits}, and the output buffer grows with what the data really unpacks to: neither a
 * header nor the size trailer makes vmboot set memory aside.
 */
final class BzImagePayload {
    /** boot.rst: payload_offset and payload_length exist from boot protocol 2.08 on. */
    static final int MIN_VERSION = 0x0208;
    /** A vmlinux larger than this is refused rather than decompressed into the heap. */
    static final long MAX_VMLINUX = 512L << 20;
    /** The first output buffer, grown by doubling up to the size the trailer gives. */
    private static final int FIRST_BUFFER = 1 << 20;

    private BzImagePayload() {
    }

    /** Whether {@code image} is a bzImage whose header checks out and is new enough to name its payload. */
    static boolean isBzImage(ByteBuffer image) {
        try {
            return SetupHeader.parse(image).version() >= MIN_VERSION;
        } catch (BootException e) {
            return false;
        }
    }

    /** Decompresses the payload: the kernel's ELF image. */
    static BootImage vmlinux(BootImage bzImage) throws BootException {
        String name = bzImage.name();
        ByteBuffer b = bzImage.contents().duplicate().order(ByteOrder.LITTLE_ENDIAN);
        SetupHeader h;
        try {
            h = SetupHeader.parse(b);
        } catch (BootException e) {
            throw new BootException(name + ": " + e.getMessage(), e);
        }
        if (h.version() < MIN_VERSION) {
            throw new BootException(name + ": not a bzImage of boot protocol 2.08 or later (no payload fields)");
        }
        long start = h.protectedModeOffset() + h.payloadOffset();
        long length = h.payloadLength();
        if (length < 8 || start + length > b.capacity()) {
            throw new BootException(String.format("%s: payload [0x%x, +0x%x) lies outside the %d-byte image", name,
                    start, length, b.capacity()));
        }
        byte[] payload = new byte[(int) length];
        b.get((int) start, payload);
        long size = Integer.toUnsignedLong(ByteBuffer.wrap(payload, payload.length - 4, 4)
                .order(ByteOrder.LITTLE_ENDIAN).getInt());
        if (size == 0 || size > MAX_VMLINUX) {
            throw new BootException(String.format("%s: the payload says it unpacks to %d bytes (at most %d)", name,
                    size, MAX_VMLINUX));
        }
        byte[] out;
        try (InputStream in = decompressor(name, payload)) {
            out = readUpTo(in, (int) size);
            if (out.length == size && in.read() >= 0) {
                throw new BootException(String.format("%s: the payload unpacks to more than the %d bytes it says",
                        name, size));
            }
        } catch (MemoryLimitException e) {
            // Only the xz and lzma decoders have a memory limit to exceed.
            throw new BootException(name + ": cannot unpack the kernel payload: " + DecompressionLimits.xzRefusal(
                    isLzma(payload) ? "lzma" : "xz", e.getMemoryNeededInKb()), e);
        } catch (IOException | RuntimeException e) {
            throw new BootException(name + ": cannot unpack the kernel payload: " + e.getMessage(), e);
        }
        if (out.length != size) {
            throw new BootException(String.format("%s: the payload unpacked to %d bytes, not the %d it says", name,
                    out.length, size));
        }
        return new BootImage(name + " (vmlinux from its payload)", ByteBuffer.wrap(out));
    }

    /** At most {@code max} bytes of {@code in}, in a buffer that grows only as they arrive. */
    private static byte[] readUpTo(InputStream in, int max) throws IOException {
        byte[] out = new byte[Math.min(max, FIRST_BUFFER)];
        int length = 0;
        while (length < max) {
            if (length == out.length) {
                out = Arrays.copyOf(out, (int) Math.min(max, 2L * out.length));
            }
            int n = in.read(out, length, out.length - length);
            if (n < 0) {
                break;
            }
            length += n;
        }
        return length == out.length ? out : Arrays.copyOf(out, length);
    }

    private static InputStream decompressor(String name, byte[] payload) throws IOException, BootException {
        // The size trailer is not part of the compressed stream.
        InputStream raw = new ByteArrayInputStream(payload, 0, payload.length - 4);
        int b0 = payload[0] & 0xFF;
        int b1 = payload[1] & 0xFF;
        int le32 = ByteBuffer.wrap(payload, 0, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        if (b0 == 0x1F && (b1 == 0x8B || b1 == 0x9E)) {
            return new GzipCompressorInputStream(raw); // RFC 1952
        }
        if (b0 == 0xFD && b1 == '7' && payload[2] == 'z' && payload[3] == 'X' && payload[4] == 'Z') {
            // .xz format 2.1.1
            return new XzPayloadStream(raw);
        }
        if (le32 == 0xFD2F_B528) { // RFC 8878 frame magic
            long window = DecompressionLimits.zstdWindowSize(payload);
            if (window >= 0 && !DecompressionLimits.zstdWindowAllowed(window)) {
                throw new BootException(name + ": cannot unpack the kernel payload: "
                        + DecompressionLimits.zstdRefusal(window));
            }
            return new ZstdCompressorInputStream(raw);
        }
        if (b0 == 'B' && b1 == 'Z' && payload[2] == 'h') {
            return new BZip2CompressorInputStream(raw);
        }
        if (isLzma(payload)) {
            return new LZMACompressorInputStream(raw, DecompressionLimits.XZ_MEMORY_KIB);
        }
        if (le32 == Lz4LegacyStream.MAGIC) {
            return Lz4LegacyStream.open(name, payload, payload.length - 4);
        }
        throw new BootException(String.format("%s: the payload's compression (magic %02x %02x) is not one vmboot "
                + "unpacks (gzip, xz, zstd, bzip2, lzma, lz4); boot the bzImage with protocol linux", name, b0, b1));
    }

    /** lzma_alone: properties 0x5D (lc 3, lp 0, pb 2, what lzma -9 writes), then the dictionary size. */
    private static boolean isLzma(byte[] payload) {
        return (payload[0] & 0xFF) == 0x5D && payload[1] == 0x00 && payload[2] == 0x00;
    }
}
