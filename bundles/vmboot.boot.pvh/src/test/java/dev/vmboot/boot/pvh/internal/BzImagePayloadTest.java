package dev.vmboot.boot.pvh.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.lz4.BlockLZ4CompressorOutputStream;
import org.apache.commons.compress.compressors.lzma.LZMACompressorOutputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.vmboot.api.boot.BootException;
import dev.vmboot.api.boot.BootImage;
import dev.vmboot.testkit.CompressionBombs;
import dev.vmboot.testkit.DebianKernelImages;
import dev.vmboot.testkit.TestBzImage;
import dev.vmboot.testkit.ThreadAllocation;

class BzImagePayloadTest {

    /** Something compressible with an ELF-looking start, standing in for a vmlinux. */
    private static byte[] kernel() {
        byte[] k = new byte[300_000];
        Random r = new Random(7);
        for (int i = 0; i < k.length; i++) {
            k[i] = (byte) (r.nextInt(16) + (i / 1000));
        }
        k[0] = 0x7F;
        k[1] = 'E';
        k[2] = 'L';
        k[3] = 'F';
        return k;
    }

    private static byte[] compress(String format, byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        switch (format) {
            case "gzip" -> write(new GzipCompressorOutputStream(out), data);
            case "xz" -> write(new XZCompressorOutputStream(out), data);
            case "zstd" -> write(new ZstdCompressorOutputStream(out), data);
            case "bzip2" -> write(new BZip2CompressorOutputStream(out), data);
            case "lzma" -> write(new LZMACompressorOutputStream(out), data);
            case "lz4" -> { // legacy container: magic, then (le32 size, block) per chunk of at most 8 MiB input
                out.write(le32(0x184C_2102));
                for (int at = 0; at < data.length; at += 100_000) { // small chunks: exercise several
                    ByteArrayOutputStream block = new ByteArrayOutputStream();
                    try (OutputStream z = new BlockLZ4CompressorOutputStream(block)) {
                        z.write(data, at, Math.min(100_000, data.length - at));
                    }
                    out.write(le32(block.size()));
                    block.writeTo(out);
                }
            }
            default -> throw new IllegalArgumentException(format);
        }
        out.write(le32(data.length)); // size_append
        return out.toByteArray();
    }

    private static void write(OutputStream z, byte[] data) throws IOException {
        try (z) {
            z.write(data);
        }
    }

    private static byte[] le32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    /** setup_sects 3, so the protected-mode part starts at 0x800, with the payload 0x40 bytes into it. */
    private static BootImage bzImage(byte[] payload, int version) {
        TestBzImage bz = new TestBzImage();
        bz.setupSects = 3;
        bz.version = version;
        bz.payload = payload;
        bz.payloadOffset = 0x40;
        bz.kernelBytes = 0x40 + payload.length + 100;
        return new BootImage("bzImage", ByteBuffer.wrap(bz.build()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "xz", "zstd", "bzip2", "lzma", "lz4"})
    void eachKernelCompressionUnpacksToTheSameBytes(String format) throws Exception {
        byte[] kernel = kernel();
        BootImage elf = BzImagePayload.vmlinux(bzImage(compress(format, kernel), 0x020F));
        byte[] got = new byte[(int) elf.size()];
        elf.contents().get(0, got);
        assertArrayEquals(kernel, got);
    }

    @Test
    void wrongSizesAndOldHeadersAreRefusedWithTheReason() throws Exception {
        byte[] kernel = kernel();
        byte[] payload = compress("gzip", kernel);
        ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN).putInt(payload.length - 4, kernel.length + 1);
        BootException shortOne = assertThrows(BootException.class, () -> BzImagePayload.vmlinux(bzImage(payload,
                0x020F)));
        assertTrue(shortOne.getMessage().contains("unpacked to 300000 bytes, not the 300001 it says"),
                shortOne.getMessage());

        assertFalse(BzImagePayload.isBzImage(bzImage(compress("gzip", kernel), 0x0207).contents()),
                "2.07 has no payload fields");
        BootImage cut = bzImage(compress("gzip", kernel), 0x020F);
        ByteBuffer lying = ByteBuffer.allocate((int) cut.size()).order(ByteOrder.LITTLE_ENDIAN);
        lying.put(cut.contents().duplicate());
        lying.putInt(0x24C, Integer.MAX_VALUE); // payload_length (boot.rst) past the image's end
        BootException outside = assertThrows(BootException.class,
                () -> BzImagePayload.vmlinux(new BootImage("lying", lying.clear())));
        assertTrue(outside.getMessage().startsWith("lying: payload [0x840, +0x7fffffff) lies outside"),
                outside.getMessage());

        byte[] lzo = compress("gzip", kernel);
        lzo[0] = (byte) 0x89;
        lzo[1] = 'L';
        BootException unknown = assertThrows(BootException.class, () -> BzImagePayload.vmlinux(bzImage(lzo,
                0x020F)));
        assertTrue(unknown.getMessage().contains("is not one vmboot unpacks"), unknown.getMessage());

        byte[] bomb = compress("gzip", kernel);
        ByteBuffer.wrap(bomb).order(ByteOrder.LITTLE_ENDIAN).putInt(bomb.length - 4, -1);
        BootException huge = assertThrows(BootException.class, () -> BzImagePayload.vmlinux(bzImage(bomb,
                0x020F)));
        assertTrue(huge.getMessage().contains("unpacks to 4294967295 bytes"), huge.getMessage());
    }

    /** Far below what the payloads below ask for, far above what refusing them costs. */
    private static final long ALLOCATION_BOUND = 16 << 20;

    /** {@code compressed} followed by the size trailer (scripts/Makefile.lib size_append). */
    private static byte[] withSize(byte[] compressed, long size) {
        ByteBuffer b = ByteBuffer.allocate(compressed.length + 4).order(ByteOrder.LITTLE_ENDIAN);
        return b.put(compressed).putInt((int) size).array();
    }

    @ParameterizedTest
    @ValueSource(strings = {"xz", "lzma", "zstd"})
    void aPayloadAskingForMoreMemoryThanTheLimitIsRefusedBeforeTheAllocation(String format) {
        byte[] payload = switch (format) {
            case "xz" -> withSize(CompressionBombs.xz(CompressionBombs.XZ_DICTIONARY_1536_MIB),
                    CompressionBombs.CONTENT.length);
            case "lzma" -> withSize(CompressionBombs.lzmaAlone(1536L << 20, 64), 1 << 20);
            default -> withSize(CompressionBombs.zstd(31), CompressionBombs.CONTENT.length);
        };
        BootImage image = bzImage(payload, 0x020F);
        long before = ThreadAllocation.bytes();
        BootException e = assertThrows(BootException.class, () -> BzImagePayload.vmlinux(image));
        long allocated = ThreadAllocation.bytes() - before;
        String expected = format.equals("zstd") ? "zstd-compressed data with a 2048 MiB window, more than the 128 MiB"
                + " vmboot gives a decompressor (zstd's default limit, what Linux's zstd -22 kernels need)"
                : format + "-compressed data that needs 1537 MiB of memory to decompress, more than the 65 MiB vmboot"
                        + " gives a decompressor (what xz -9, its largest preset, needs)";
        assertEquals("bzImage: cannot unpack the kernel payload: " + expected, e.getMessage());
        assertTrue(allocated < ALLOCATION_BOUND, allocated + " bytes allocated");
    }

    /** The size trailer is the payload's word, not memory to set aside: a 512 MiB claim costs what the data holds. */
    @Test
    void aSizeTrailerClaimingTheMaximumAllocatesOnlyWhatTheDataUnpacksTo() throws Exception {
        byte[] kernel = kernel();
        byte[] payload = compress("gzip", kernel);
        ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN).putInt(payload.length - 4,
                (int) BzImagePayload.MAX_VMLINUX);
        BootImage image = bzImage(payload, 0x020F);
        long before = ThreadAllocation.bytes();
        BootException e = assertThrows(BootException.class, () -> BzImagePayload.vmlinux(image));
        long allocated = ThreadAllocation.bytes() - before;
        assertTrue(e.getMessage().contains("unpacked to 300000 bytes, not the 536870912 it says"), e.getMessage());
        assertTrue(allocated < ALLOCATION_BOUND, allocated + " bytes allocated");
    }

    /**
     * Output bombs: a kernel followed by 8 MiB of zeros, a few KB compressed, behind a trailer naming only the
     * kernel's size. Unpacking stops one byte past what the trailer says and refuses the payload, whatever the stream
     * still holds.
     */
    @ParameterizedTest
    @ValueSource(strings = {"gzip", "bzip2", "lz4", "xz", "zstd", "lzma"})
    void aPayloadUnpackingToMoreThanItsTrailerSaysIsRefusedAfterOneByteMore(String format) throws Exception {
        byte[] kernel = kernel();
        byte[] bomb = compress(format, Arrays.copyOf(kernel, kernel.length + (8 << 20)));
        assertTrue(bomb.length < 1 << 20, format + ": " + bomb.length + " bytes");
        ByteBuffer.wrap(bomb).order(ByteOrder.LITTLE_ENDIAN).putInt(bomb.length - 4, kernel.length);
        BootImage image = bzImage(bomb, 0x020F);
        long before = ThreadAllocation.bytes();
        BootException e = assertThrows(BootException.class, () -> BzImagePayload.vmlinux(image));
        long allocated = ThreadAllocation.bytes() - before;
        assertEquals("bzImage: the payload unpacks to more than the 300000 bytes it says", e.getMessage());
        assertTrue(allocated < ALLOCATION_BOUND, allocated + " bytes allocated");
    }

    /**
     * Legacy LZ4 payloads of chunks of one literal byte (lib/decompress_unlz4.c reads any number): every chunk needs
     * a decoder with 192 KiB of buffers, which vmboot made for all chunks before reading the first (2,000 chunks, 14
     * KB, allocated 400 MB and held it). Up to {@link Lz4LegacyStream#MAX_CHUNKS} chunks unpack, one decoder at a
     * time; more are refused before any is decoded.
     */
    @ParameterizedTest
    @ValueSource(ints = {Lz4LegacyStream.MAX_CHUNKS, Lz4LegacyStream.MAX_CHUNKS + 1, 2000})
    void lz4PayloadsAreBoundedInTheirNumberOfChunks(int chunks) throws Exception {
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        try (OutputStream z = new BlockLZ4CompressorOutputStream(block)) {
            z.write('k');
        }
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        payload.write(le32(0x184C_2102));
        for (int i = 0; i < chunks; i++) {
            payload.write(le32(block.size()));
            block.writeTo(payload);
        }
        payload.write(le32(chunks));
        BootImage image = bzImage(payload.toByteArray(), 0x020F);
        if (chunks <= Lz4LegacyStream.MAX_CHUNKS) {
            byte[] unpacked = new byte[chunks];
            BzImagePayload.vmlinux(image).contents().get(0, unpacked);
            byte[] expected = new byte[chunks];
            Arrays.fill(expected, (byte) 'k');
            assertArrayEquals(expected, unpacked);
            return;
        }
        long before = ThreadAllocation.bytes();
        BootException e = assertThrows(BootException.class, () -> BzImagePayload.vmlinux(image));
        long allocated = ThreadAllocation.bytes() - before;
        assertEquals("bzImage: the LZ4 payload has more than 256 chunks, the most vmboot unpacks (lz4 -l writes one"
                + " per 8 MiB of kernel)", e.getMessage());
        assertTrue(allocated < ALLOCATION_BOUND, allocated + " bytes allocated");
    }

    /**
     * An xz payload of 200 blocks of 54 bytes, each naming xz -9's 64 MiB dictionary, within the limit: xz-java gives
     * every block a new decoder, which allocated its dictionary each time (12.5 GiB for 11 KB). One serves them all.
     */
    @Test
    void anXzPayloadOfManyBlocksAllocatesItsDictionaryOnce() throws Exception {
        int blocks = 200;
        BootImage image = bzImage(withSize(CompressionBombs.xz(28, blocks), blocks * CompressionBombs.CONTENT.length),
                0x020F);
        long before = ThreadAllocation.bytes();
        BootImage vmlinux = BzImagePayload.vmlinux(image);
        long allocated = ThreadAllocation.bytes() - before;
        assertEquals(blocks * CompressionBombs.CONTENT.length, vmlinux.size());
        assertTrue(allocated < 2 * CompressionBombs.lzma2DictionarySize(28), allocated + " bytes allocated");
    }

    @Test
    void aBrokenSetupHeaderIsNeitherOfferedNorUnpacked() throws Exception {
        BootImage good = bzImage(compress("gzip", kernel()), 0x020F);
        ByteBuffer broken = ByteBuffer.allocate((int) good.size()).order(ByteOrder.LITTLE_ENDIAN);
        broken.put(good.contents().duplicate());
        broken.putShort(0x1FE, (short) 0); // boot_flag
        BootImage image = new BootImage("broken", broken.clear());
        assertEquals(0, new PvhBootProtocol().probe(image));
        BootException e = assertThrows(BootException.class, () -> BzImagePayload.vmlinux(image));
        assertEquals("broken: boot_flag is 0x0000, not 0xAA55", e.getMessage());
    }

    @Test
    void theProtocolOffersPvhForABzImageBelowTheLinuxProtocol() throws Exception {
        PvhBootProtocol pvh = new PvhBootProtocol();
        assertEquals(PvhBootProtocol.BZIMAGE_SCORE, pvh.probe(bzImage(compress("gzip", kernel()), 0x020F)));
        assertTrue(PvhBootProtocol.BZIMAGE_SCORE < PvhBootProtocol.PVH_SCORE);
    }

    /**
     * Debian's bzImage unpacks to the vmlinux platforms/qemu/guest/extract-vmlinux.sh made, followed by
     * the relocation table the x86 build appends to it (arch/x86/boot/compressed: vmlinux.bin.all = vmlinux.bin +
     * vmlinux.relocs), which the script leaves out.
     */
    @Test
    void debiansBzImageUnpacksToItsVmlinux() throws Exception {
        Path dir = DebianKernelImages.onThisMachine().labGuestDirectory();
        BootImage elf = BzImagePayload.vmlinux(new BootImage("vmlinuz",
                ByteBuffer.wrap(Files.readAllBytes(dir.resolve("vmlinuz")))));
        byte[] expected = Files.readAllBytes(dir.resolve("vmlinux"));
        byte[] got = new byte[(int) elf.size()];
        elf.contents().get(0, got);
        assertTrue(got.length > expected.length, got.length + " bytes unpacked, the ELF has " + expected.length);
        assertArrayEquals(expected, Arrays.copyOf(got, expected.length));
    }
}
