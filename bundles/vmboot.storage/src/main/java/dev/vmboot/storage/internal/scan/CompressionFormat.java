package dev.vmboot.storage.internal.scan;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Predicate;

import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorInputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdUtils;

import dev.vmboot.api.boot.Compression;
import dev.vmboot.api.boot.DecompressionLimits;

/**
 * Compression recognised by its magic number, and a decompressing stream for it (Apache Commons Compress) held to
 * {@link DecompressionLimits}: an xz file or a Zstandard frame that asks for more memory is refused, before the
 * allocation, with {@link DecompressionLimitException}.
 */
final class CompressionFormat {
    /** RFC 1952 §2.3.1: ID1 ID2, CM = 8 (deflate). */
    private static final byte[] GZIP = {0x1F, (byte) 0x8B, 0x08};
    /** XZ file format 1.1.0 §2.1.1.1: header magic. */
    private static final byte[] XZ = {(byte) 0xFD, '7', 'z', 'X', 'Z', 0x00};
    /** RFC 8878 §3.1.1: Zstandard frame magic 0xFD2FB528, little-endian. */
    private static final byte[] ZSTD = {0x28, (byte) 0xB5, 0x2F, (byte) 0xFD};
    /** LZ4 Frame Format 1.6.x: magic 0x184D2204, little-endian. */
    private static final byte[] LZ4_FRAME = {0x04, 0x22, 0x4D, 0x18};
    /** RFC 8878 3.1.1.1: the longest Zstandard frame header (magic 4, descriptor 1, window 1, dictionary 4, size 8). */
    private static final int ZSTD_HEADER_MAX = 18;

    private CompressionFormat() {
    }

    /** The compression whose magic {@code head} starts with, or {@link Compression#NONE}. */
    static Compression detect(byte[] head) {
        if (startsWith(head, GZIP)) {
            return Compression.GZIP;
        }
        if (startsWith(head, XZ)) {
            return Compression.XZ;
        }
        if (startsWith(head, ZSTD)) {
            return Compression.ZSTD;
        }
        if (startsWith(head, LZ4_FRAME)) {
            return Compression.LZ4;
        }
        return Compression.NONE;
    }

    /**
     * Wraps {@code compressed} in a decompressing stream.
     *
     * @throws IOException if the format's library is not installed (xz, zstd-jni) or the header is bad; a
     *         {@link DecompressionLimitException}, then or on a read, if it needs more memory than vmboot gives
     */
    static InputStream decompress(Compression compression, InputStream compressed) throws IOException {
        return decompress(compression, compressed, CompressionFormat::libraryInstalled);
    }

    /** As {@link #decompress(Compression, InputStream)}, with {@code installed} saying which libraries are there. */
    static InputStream decompress(Compression compression, InputStream compressed, Predicate<Compression> installed)
            throws IOException {
        if (!installed.test(compression)) {
            throw new MissingDecompressorException(compression);
        }
        InputStream in = new BufferedInputStream(compressed, 64 * 1024);
        switch (compression) {
            case GZIP:
                return new GzipCompressorInputStream(in, true);
            case XZ:
                return new XzInput(in);
            case ZSTD:
                checkZstdWindow(in);
                return new ZstdCompressorInputStream(in);
            case LZ4:
                return new FramedLZ4CompressorInputStream(new Lz4BlockLimit(in), true);
            default:
                return in;
        }
    }

    /**
     * Refuses a first Zstandard frame whose window is over {@link DecompressionLimits#ZSTD_WINDOW_LOG}; zstd-jni
     * refuses any later one itself (its default limit is the same), with its own message.
     */
    private static void checkZstdWindow(InputStream in) throws IOException {
        in.mark(ZSTD_HEADER_MAX);
        byte[] header = in.readNBytes(ZSTD_HEADER_MAX);
        in.reset();
        long window = DecompressionLimits.zstdWindowSize(header);
        if (window >= 0 && !DecompressionLimits.zstdWindowAllowed(window)) {
            throw new DecompressionLimitException(DecompressionLimits.zstdRefusal(window));
        }
    }

    /**
     * xz and zstd need libraries imported optionally: xz-java by this bundle ({@link XzInput}), zstd-jni by
     * commons-compress.
     */
    static boolean libraryInstalled(Compression compression) {
        switch (compression) {
            case XZ:
                return xzInstalled();
            case ZSTD:
                return ZstdUtils.isZstdCompressionAvailable();
            default:
                return true;
        }
    }

    /** Whether this bundle sees xz-java: {@link XzInput} cannot be loaded without it. */
    private static boolean xzInstalled() {
        try {
            Class.forName("org.tukaani.xz.XZInputStream", false, CompressionFormat.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** A compressed file that cannot be read here because its decompressor is not installed. */
    static final class MissingDecompressorException extends IOException {
        private static final long serialVersionUID = 1L;

        MissingDecompressorException(Compression compression) {
            super(compression.name().toLowerCase() + "-compressed, and its decompressor " + library(compression)
                    + " is not installed");
        }

        /** The decompressor is installed but a class it needs is not: {@code missing} says which. */
        MissingDecompressorException(Compression compression, LinkageError missing) {
            super(compression.name().toLowerCase() + "-compressed, and its decompressor " + library(compression)
                    + " lacks a class it needs (" + missing.getClass().getSimpleName() + ": "
                    + bounded(missing.getMessage()) + ")", missing);
        }

        /** A class name from the JVM: at most 120 characters, so the scan's line stays readable. */
        private static String bounded(String message) {
            String m = String.valueOf(message);
            return m.length() <= 120 ? m : m.substring(0, 120) + "...";
        }

        private static String library(Compression compression) {
            switch (compression) {
                case XZ:
                    return "(the org.tukaani.xz library)";
                case ZSTD:
                    return "(the zstd-jni library, com.github.luben)";
                default:
                    return "(commons-compress)";
            }
        }
    }

    /** A compressed file that asks its decompressor for more memory than vmboot gives one. */
    static final class DecompressionLimitException extends IOException {
        private static final long serialVersionUID = 1L;

        DecompressionLimitException(String message) {
            super(message);
        }

        DecompressionLimitException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static boolean startsWith(byte[] head, byte[] magic) {
        if (head.length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if (head[i] != magic[i]) {
                return false;
            }
        }
        return true;
    }
}
