package dev.vmboot.storage.internal.scan;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

import org.tukaani.xz.BasicArrayCache;
import org.tukaani.xz.MemoryLimitException;
import org.tukaani.xz.XZInputStream;

import dev.vmboot.api.boot.DecompressionLimits;

/**
 * An .xz file's contents, its concatenated streams included, decoded by xz-java under
 * {@link DecompressionLimits#XZ_MEMORY_KIB}, with an array cache of its own: xz-java gives every block a new LZMA2
 * decoder, and without a cache each one allocates the dictionary its block header names (a file of 54-byte blocks
 * naming a 64 MiB dictionary allocated 64 MiB for each of them); with one the arrays of a block are reused by the
 * next. A stream over the limit is refused, before its dictionary is allocated, with
 * {@link CompressionFormat.DecompressionLimitException} in vmboot's words. Only made when the library is installed
 * ({@link CompressionFormat#libraryInstalled}): this class alone refers to it.
 */
final class XzInput extends FilterInputStream {
    XzInput(InputStream compressed) throws IOException {
        super(open(compressed));
    }

    private static InputStream open(InputStream compressed) throws IOException {
        try {
            return new XZInputStream(compressed, DecompressionLimits.XZ_MEMORY_KIB, true, new BasicArrayCache());
        } catch (MemoryLimitException e) {
            throw refusal(e);
        }
    }

    @Override
    public int read() throws IOException {
        try {
            return super.read();
        } catch (MemoryLimitException e) {
            throw refusal(e);
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        try {
            return super.read(b, off, len);
        } catch (MemoryLimitException e) {
            throw refusal(e);
        }
    }

    @Override
    public long skip(long n) throws IOException {
        try {
            return super.skip(n);
        } catch (MemoryLimitException e) {
            throw refusal(e);
        }
    }

    private static CompressionFormat.DecompressionLimitException refusal(MemoryLimitException e) {
        return new CompressionFormat.DecompressionLimitException(
                DecompressionLimits.xzRefusal("xz", e.getMemoryNeeded()), e);
    }
}
