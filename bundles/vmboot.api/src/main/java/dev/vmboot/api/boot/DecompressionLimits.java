package dev.vmboot.api.boot;

/**
 * The memory vmboot gives a decompressor of a file read from a disk, the same for the scanner and for every boot
 * protocol that unpacks a kernel: formats whose headers name the memory they need (an xz or lzma dictionary, a
 * Zstandard window) are held to these bounds before anything is allocated, and a file over them is refused with
 * {@link #xzRefusal} or {@link #zstdRefusal}. (gzip and bzip2 need a fixed, small amount per stream; LZ4 decoders
 * allocate buffers for every block or chunk, so callers also bound how many they decode; what bounds the
 * output of every format is each caller's limit on the bytes it reads.)
 */
public final class DecompressionLimits {
    /**
     * Memory for an xz or lzma decoder, in KiB: 65 MiB, what {@code xz -9} (and {@code lzma -9}), the largest preset,
     * needs to decompress (xz(1), "Compression presets": a 64 MiB dictionary, DecMem 65 MiB). Linux compresses
     * kernels with a 32 MiB dictionary (scripts/xz_wrap.sh) or {@code lzma -9} (scripts/Makefile.lib).
     */
    public static final int XZ_MEMORY_KIB = 65 * 1024;
    /**
     * The largest Zstandard window, as a power of two: 2^27, 128 MiB, zstd's ZSTD_WINDOWLOG_LIMIT_DEFAULT (lib/zstd.h),
     * the most a decoder accepts unless told otherwise; Linux's {@code zstd -22 --ultra} kernels (scripts/Makefile.lib
     * cmd_zstd22) are written with it.
     */
    public static final int ZSTD_WINDOW_LOG = 27;

    /** RFC 8878 3.1.1: the Zstandard frame magic 0xFD2FB528, little-endian. */
    private static final int ZSTD_MAGIC = 0xFD2F_B528;

    private DecompressionLimits() {
    }

    /**
     * The window a Zstandard frame asks its decoder for (RFC 8878 3.1.1.1.2: the Window_Descriptor, or the
     * Frame_Content_Size of a single-segment frame), or -1 when {@code frame} does not start with a whole frame
     * header.
     */
    public static long zstdWindowSize(byte[] frame) {
        if (frame.length < 6 || le(frame, 0, 4) != Integer.toUnsignedLong(ZSTD_MAGIC)) {
            return -1;
        }
        int descriptor = frame[4] & 0xFF;
        boolean singleSegment = (descriptor & 0x20) != 0;
        if (!singleSegment) {
            int window = frame[5] & 0xFF;
            int windowLog = 10 + (window >>> 3);
            long base = 1L << windowLog;
            return base + (base / 8) * (window & 7);
        }
        // 3.1.1.1.1: Dictionary_ID_flag sizes 0, 1, 2, 4; Frame_Content_Size_flag sizes 1 (single segment), 2, 4, 8
        int dictionaryBytes = new int[] {0, 1, 2, 4}[descriptor & 3];
        int sizeBytes = new int[] {1, 2, 4, 8}[descriptor >>> 6];
        int at = 5 + dictionaryBytes;
        if (frame.length < at + sizeBytes) {
            return -1;
        }
        long size = le(frame, at, sizeBytes);
        return sizeBytes == 2 ? size + 256 : size;
    }

    /** Whether a Zstandard window of {@code windowSize} bytes is within {@link #ZSTD_WINDOW_LOG}. */
    public static boolean zstdWindowAllowed(long windowSize) {
        return windowSize >= 0 && windowSize <= 1L << ZSTD_WINDOW_LOG;
    }

    /** The sentence for an xz or lzma file ({@code format}) whose decoder would need {@code neededKib} KiB. */
    public static String xzRefusal(String format, long neededKib) {
        return format + "-compressed data that needs " + ceilMib(neededKib << 10) + " MiB of memory to decompress,"
                + " more than the " + (XZ_MEMORY_KIB >> 10) + " MiB vmboot gives a decompressor (what xz -9, its"
                + " largest preset, needs)";
    }

    /** The sentence for a Zstandard frame asking for a window of {@code windowSize} bytes. */
    public static String zstdRefusal(long windowSize) {
        return "zstd-compressed data with a " + ceilMib(windowSize) + " MiB window, more than the "
                + (1 << ZSTD_WINDOW_LOG - 20) + " MiB vmboot gives a decompressor (zstd's default limit, what"
                + " Linux's zstd -22 kernels need)";
    }

    /** {@code bytes} (unsigned) in MiB, rounded up. */
    private static long ceilMib(long bytes) {
        return Long.divideUnsigned(bytes, 1 << 20) + ((bytes & (1 << 20) - 1) != 0 ? 1 : 0);
    }

    private static long le(byte[] b, int at, int n) {
        long v = 0;
        for (int i = n - 1; i >= 0; i--) {
            v = v << 8 | (b[at + i] & 0xFF);
        }
        return v;
    }
}
