package dev.vmboot.storage.internal.scan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.vmboot.api.boot.Compression;
import dev.vmboot.api.boot.ImageKind;
import dev.vmboot.testkit.CompressionBombs;
import dev.vmboot.testkit.ThreadAllocation;

/**
 * Compressed files that ask for more memory than vmboot gives a decompressor, or unpack to far more than they hold:
 * refused before the allocation, with a sentence saying what was asked and what is allowed; output read only as far
 * as the caller's bound.
 */
class DecompressionLimitsTest {
    private static final long PEEK = 32 << 20;
    /** Far below the 1.5 GiB the xz file asks for, far above what a refused file costs. */
    private static final long ALLOCATION_BOUND = 16 << 20;

    @TempDir
    Path dir;

    private Path file(String name, byte[] content) throws IOException {
        Path f = dir.resolve(name);
        Files.write(f, content);
        return f;
    }

    @Test
    void anXzFileNamingA1536MibDictionaryIsRefusedBeforeItIsAllocated() throws IOException {
        byte[] bomb = CompressionBombs.xz(CompressionBombs.XZ_DICTIONARY_1536_MIB);
        assertEquals(72, bomb.length);
        Path f = file("bomb.xz", bomb);
        long before = ThreadAllocation.bytes();
        IOException e;
        try (SeekableByteChannel ch = Files.newByteChannel(f)) {
            e = assertThrows(CompressionFormat.DecompressionLimitException.class,
                    () -> BootFileClassifier.classify(ch, PEEK));
        }
        long allocated = ThreadAllocation.bytes() - before;
        assertEquals("xz-compressed data that needs 1537 MiB of memory to decompress, more than the 65 MiB vmboot"
                + " gives a decompressor (what xz -9, its largest preset, needs)", e.getMessage());
        assertTrue(allocated < ALLOCATION_BOUND, allocated + " bytes allocated");
    }

    @Test
    void anXzFileWithinTheLimitStillDecompressesAndTheNextDictionarySizeDoesNot() throws IOException {
        assertEquals(8 << 20, CompressionBombs.lzma2DictionarySize(22), "xz's default, -6");
        try (SeekableByteChannel ch = Files.newByteChannel(file("small.xz", CompressionBombs.xz(22)))) {
            assertEquals(new BootFileClassifier.Classification(ImageKind.UNKNOWN, Compression.XZ),
                    BootFileClassifier.classify(ch, PEEK));
        }
        assertEquals(64 << 20, CompressionBombs.lzma2DictionarySize(28), "xz -9");
        try (var in = CompressionFormat.decompress(Compression.XZ,
                Files.newInputStream(file("dict64.xz", CompressionBombs.xz(28))))) {
            assertArrayEquals(CompressionBombs.CONTENT, in.readAllBytes());
        }
        assertEquals(96 << 20, CompressionBombs.lzma2DictionarySize(29));
        try (var in = CompressionFormat.decompress(Compression.XZ,
                Files.newInputStream(file("dict96.xz", CompressionBombs.xz(29))))) {
            assertThrows(CompressionFormat.DecompressionLimitException.class, in::readAllBytes);
        }
    }

    @Test
    void aZstdFrameNamingA2GibWindowIsRefusedWithTheSizes() throws IOException {
        Path f = file("bomb.zst", CompressionBombs.zstd(31));
        try (SeekableByteChannel ch = Files.newByteChannel(f)) {
            IOException e = assertThrows(CompressionFormat.DecompressionLimitException.class,
                    () -> BootFileClassifier.classify(ch, PEEK));
            assertEquals("zstd-compressed data with a 2048 MiB window, more than the 128 MiB vmboot gives a"
                    + " decompressor (zstd's default limit, what Linux's zstd -22 kernels need)", e.getMessage());
        }
        try (var in = CompressionFormat.decompress(Compression.ZSTD,
                Files.newInputStream(file("window128.zst", CompressionBombs.zstd(27))))) {
            assertArrayEquals(CompressionBombs.CONTENT, in.readAllBytes(), "a 128 MiB window is allowed");
        }
        Path twice = file("window256.zst", CompressionBombs.zstd(28));
        assertThrows(CompressionFormat.DecompressionLimitException.class,
                () -> CompressionFormat.decompress(Compression.ZSTD, Files.newInputStream(twice)));
    }

    /**
     * 200 blocks of 54 bytes, each naming xz -9's 64 MiB dictionary, within the limit: 11 KB that made xz-java, which
     * gives every block a new decoder, allocate 64 MiB for each block, 12.5 GiB in all. One dictionary serves them all.
     */
    @Test
    void anXzFileOfManyBlocksAllocatesItsDictionaryOnce() throws IOException {
        int blocks = 200;
        Path f = file("blocks.xz", CompressionBombs.xz(28, blocks));
        long before = ThreadAllocation.bytes();
        byte[] out;
        try (InputStream in = CompressionFormat.decompress(Compression.XZ, Files.newInputStream(f))) {
            out = in.readAllBytes();
        }
        long allocated = ThreadAllocation.bytes() - before;
        assertEquals(blocks * CompressionBombs.CONTENT.length, out.length);
        assertTrue(allocated < 2 * CompressionBombs.lzma2DictionarySize(28), allocated + " bytes allocated");
    }

    @Test
    void loadingAnImageStopsAtTheSameLimitWithoutAllocatingIt() throws IOException {
        ScanEngine engine = new ScanEngine(null, java.util.List.of(), ScanSettings.defaults());
        Path f = file("vmlinux.xz", CompressionBombs.xz(CompressionBombs.XZ_DICTIONARY_1536_MIB));
        long before = ThreadAllocation.bytes();
        IOException e = assertThrows(IOException.class, () -> engine.loadImage(f.toString()));
        long allocated = ThreadAllocation.bytes() - before;
        assertEquals(f + ": cannot decompress (xz): xz-compressed data that needs 1537 MiB of memory to decompress,"
                + " more than the 65 MiB vmboot gives a decompressor (what xz -9, its largest preset, needs)",
                e.getMessage());
        assertTrue(allocated < ALLOCATION_BOUND, allocated + " bytes allocated");
    }

    /** 256 MiB of zeros behind a gzip header: a 250 KB file. */
    @Test
    void loadingAnOutputBombIsRefusedWithoutHoldingItsOutput() throws IOException {
        Path f = dir.resolve("vmlinux.gz");
        try (OutputStream z = new GzipCompressorOutputStream(Files.newOutputStream(f))) {
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 256; i++) {
                z.write(zeros);
            }
        }
        ScanEngine engine = new ScanEngine(null, java.util.List.of(),
                ScanSettings.defaults().withLimits(512, 64 << 20, 1000));
        long before = ThreadAllocation.bytes();
        IOException e = assertThrows(IOException.class, () -> engine.loadImage(f.toString()));
        long allocated = ThreadAllocation.bytes() - before;
        assertEquals(f + ": decompresses (gzip) to more than the 64 MiB limit on boot images (scanner setting"
                + " maxImageBytes)", e.getMessage());
        assertTrue(allocated < ALLOCATION_BOUND, allocated + " bytes allocated");
    }

    /**
     * An ELF header whose program headers lie 30 MiB in, in front of 1 GiB of zeros: classifying it decompresses up
     * to the peek bound, not the whole output, and reads the compressed file only as far as that takes.
     */
    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"GZIP", "LZ4"})
    void anOutputBombIsReadOnlyAsFarAsThePeekBound(Compression c) throws IOException {
        byte[] head = TestImages.pvhElf();
        ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).putLong(32, 30L << 20); // e_phoff
        Path f = dir.resolve("bomb." + c);
        try (OutputStream z = c == Compression.GZIP ? new GzipCompressorOutputStream(Files.newOutputStream(f))
                : new FramedLZ4CompressorOutputStream(Files.newOutputStream(f))) {
            z.write(head);
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 1024; i++) {
                z.write(zeros);
            }
        }
        long size = Files.size(f);
        long peek = 31 << 20;
        try (CountingChannel ch = new CountingChannel(Files.newByteChannel(f))) {
            assertEquals(ImageKind.ELF, BootFileClassifier.classify(ch, peek).kind());
            assertTrue(ch.read < size / 4, ch.read + " of " + size + " compressed bytes read");
        }
    }

    /** A channel that counts the bytes read through it. */
    private static final class CountingChannel implements SeekableByteChannel {
        private final SeekableByteChannel in;
        long read;

        CountingChannel(SeekableByteChannel in) {
            this.in = in;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            int n = in.read(dst);
            read += Math.max(n, 0);
            return n;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return in.write(src);
        }

        @Override
        public long position() throws IOException {
            return in.position();
        }

        @Override
        public SeekableByteChannel position(long p) throws IOException {
            in.position(p);
            return this;
        }

        @Override
        public long size() throws IOException {
            return in.size();
        }

        @Override
        public SeekableByteChannel truncate(long size) throws IOException {
            return in.truncate(size);
        }

        @Override
        public boolean isOpen() {
            return in.isOpen();
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
