package dev.vmboot.boot.pvh.internal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

import org.apache.commons.compress.MemoryLimitException;
import org.tukaani.xz.BasicArrayCache;
import org.tukaani.xz.SingleXZInputStream;

import dev.vmboot.api.boot.DecompressionLimits;

/**
 * An xz-compressed kernel payload: one .xz stream (what Linux's scripts/xz_wrap.sh writes), decoded by xz-java under
 * {@link DecompressionLimits#XZ_MEMORY_KIB}, with an array cache of its own. xz-java gives every block a new LZMA2
 * decoder, and without a cache each one allocates the dictionary its block header names; with one the arrays of a
 * block are reused by the next. A stream over the limit fails, before its dictionary is allocated, with the
 * {@link MemoryLimitException} the other decompressors of commons-compress throw.
 */
final class XzPayloadStream extends FilterInputStream {
    XzPayloadStream(InputStream compressed) throws IOException {
        super(open(compressed));
    }

    private static InputStream open(InputStream compressed) throws IOException {
        try {
            return new SingleXZInputStream(compressed, DecompressionLimits.XZ_MEMORY_KIB, true,
                    new BasicArrayCache());
        } catch (org.tukaani.xz.MemoryLimitException e) {
            throw overLimit(e);
        }
    }

    @Override
    public int read() throws IOException {
        try {
            return super.read();
        } catch (org.tukaani.xz.MemoryLimitException e) {
            throw overLimit(e);
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        try {
            return super.read(b, off, len);
        } catch (org.tukaani.xz.MemoryLimitException e) {
            throw overLimit(e);
        }
    }

    @Override
    public long skip(long n) throws IOException {
        try {
            return super.skip(n);
        } catch (org.tukaani.xz.MemoryLimitException e) {
            throw overLimit(e);
        }
    }

    private static MemoryLimitException overLimit(org.tukaani.xz.MemoryLimitException e) {
        return new MemoryLimitException(e.getMemoryNeeded(), e.getMemoryLimit(), (Exception) e);
    }
}
