package dev.vmboot.storage.internal.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.vmboot.api.boot.Compression;
import dev.vmboot.api.boot.ImageKind;
import dev.vmboot.storage.internal.scan.BootFileClassifier.Classification;
import dev.vmboot.testkit.ThreadAllocation;

class BootFileClassifierTest {
    private static final long PEEK = 32 << 20;

    @TempDir
    Path dir;

    private Classification classify(byte[] content) throws IOException {
        try (SeekableByteChannel ch = write(content)) {
            return BootFileClassifier.classify(ch, PEEK);
        }
    }

    private SeekableByteChannel write(byte[] content) throws IOException {
        Path f = dir.resolve("f" + System.nanoTime());
        Files.write(f, content);
        return Files.newByteChannel(f);
    }

    @Test
    void aCompressedFileWhoseDecompressorIsMissingIsReportedNotPassedOver() throws IOException {
        Path f = dir.resolve("vmlinux.zst");
        Files.write(f, TestImages.compress(Compression.ZSTD, TestImages.pvhElf()));
        try (SeekableByteChannel ch = Files.newByteChannel(f)) {
            IOException e = assertThrows(CompressionFormat.MissingDecompressorException.class,
                    () -> BootFileClassifier.classify(ch, PEEK, c -> c != Compression.ZSTD));
            assertEquals("zstd-compressed, and its decompressor (the zstd-jni library, com.github.luben) is not"
                    + " installed", e.getMessage());
        }
        try (SeekableByteChannel ch = Files.newByteChannel(f)) {
            assertEquals(new Classification(ImageKind.PVH_ELF, Compression.ZSTD),
                    BootFileClassifier.classify(ch, PEEK, c -> true), "with the library it is a kernel");
        }
    }

    /**
     * A decompressor whose library is there but lacks a class (commons-compress without the commons-codec it imports
     * optionally reads no LZ4 frame): that file is reported as such, with the class, and no Error leaves the classifier
     * to fail the whole volume's scan.
     */
    @Test
    void aDecompressorMissingAClassIsReportedForThatFileOnly() throws IOException {
        Path f = dir.resolve("vmlinux.lz4");
        Files.write(f, TestImages.compress(Compression.LZ4, TestImages.pvhElf()));
        try (SeekableByteChannel ch = Files.newByteChannel(f)) {
            IOException e = assertThrows(CompressionFormat.MissingDecompressorException.class,
                    () -> BootFileClassifier.classify(ch, PEEK, c -> {
                        throw new NoClassDefFoundError("org/apache/commons/codec/digest/XXHash32");
                    }));
            assertEquals("lz4-compressed, and its decompressor (commons-compress) lacks a class it needs"
                    + " (NoClassDefFoundError: org/apache/commons/codec/digest/XXHash32)", e.getMessage());
        }
        try (SeekableByteChannel ch = Files.newByteChannel(f)) {
            assertEquals(new Classification(ImageKind.PVH_ELF, Compression.LZ4),
                    BootFileClassifier.classify(ch, PEEK, c -> true), "with the class it is a kernel");
        }
    }

    /** A 100-byte ELF whose header claims 512 program headers of 65535 bytes: the 32 MiB table is not allocated. */
    @Test
    void aProgramHeaderTableLargerThanTheFileIsNotAllocated() throws IOException {
        byte[] elf = Arrays.copyOf(TestImages.pvhElf(), 100);
        ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN).putShort(54, (short) 0xFFFF).putShort(56, (short) 512);
        try (SeekableByteChannel ch = write(elf)) {
            long before = ThreadAllocation.bytes();
            assertEquals(ImageKind.ELF, BootFileClassifier.classify(ch, PEEK).kind());
            long allocated = ThreadAllocation.bytes() - before;
            assertTrue(allocated < 1 << 20, allocated + " bytes allocated");
        }
    }

    @Test
    void elf64WithThePvhNoteIsPvh() throws IOException {
        assertEquals(new Classification(ImageKind.PVH_ELF, Compression.NONE), classify(TestImages.pvhElf()));
    }

    @Test
    void elf32WithThePvhNoteIsPvh() throws IOException {
        assertEquals(ImageKind.PVH_ELF, classify(TestImages.elf(false, 8192, 0x300, "Xen", 18)).kind());
    }

    @Test
    void noteFarIntoTheFileIsFound() throws IOException {
        assertEquals(ImageKind.PVH_ELF, classify(TestImages.elf(true, 3 << 20, 2 << 20, "Xen", 18)).kind());
    }

    @Test
    void elfWithOtherNotesIsPlainElf() throws IOException {
        assertEquals(ImageKind.ELF, classify(TestImages.elf(true, 8192, 0x200, "Xen", 17)).kind());
        assertEquals(ImageKind.ELF, classify(TestImages.elf(true, 8192, 0x200, "GNU", 18)).kind());
    }

    @Test
    void relocatableObjectIsNotBootable() throws IOException {
        byte[] elf = TestImages.pvhElf();
        elf[16] = 1; // ET_REL: a GRUB module, a .o
        assertEquals(ImageKind.UNKNOWN, classify(elf).kind());
    }

    @Test
    void truncatedNoteSegmentDoesNotCountAndDoesNotThrow() throws IOException {
        byte[] elf = Arrays.copyOf(TestImages.pvhElf(), 0x200 + 14);
        assertEquals(ImageKind.ELF, classify(elf).kind());
    }

    @Test
    void bzImageHeaderIsBzImage() throws IOException {
        assertEquals(ImageKind.BZIMAGE, classify(TestImages.bzImage(4096)).kind());
        byte[] noFlag = TestImages.bzImage(4096);
        noFlag[0x1FE] = 0;
        assertEquals(ImageKind.UNKNOWN, classify(noFlag).kind());
    }

    @Test
    void firmwareVolumeIsUefiFlash() throws IOException {
        assertEquals(ImageKind.UEFI_FLASH, classify(TestImages.firmwareVolume(64 * 1024)).kind());
        byte[] badSum = TestImages.firmwareVolume(64 * 1024);
        badSum[50]++;
        assertEquals(ImageKind.UNKNOWN, classify(badSum).kind());
    }

    @Test
    void debianOvmfImagesAreUefiFlash() throws IOException {
        for (String name : new String[] {"/usr/share/ovmf/OVMF.fd", "/usr/share/OVMF/OVMF_CODE.fd",
            "/usr/share/OVMF/OVMF_VARS.fd"}) {
            Path p = Path.of(name);
            if (Files.exists(p)) {
                try (SeekableByteChannel ch = Files.newByteChannel(p)) {
                    assertEquals(ImageKind.UEFI_FLASH, BootFileClassifier.classify(ch, PEEK).kind(), name);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void compressedImagesAreSeenThrough(Compression c) throws IOException {
        assertEquals(new Classification(ImageKind.PVH_ELF, c), classify(TestImages.compress(c, TestImages.pvhElf())));
        assertEquals(new Classification(ImageKind.BZIMAGE, c),
                classify(TestImages.compress(c, TestImages.bzImage(100_000))));
        assertEquals(new Classification(ImageKind.UEFI_FLASH, c),
                classify(TestImages.compress(c, TestImages.firmwareVolume(128 * 1024))));
        assertEquals(new Classification(ImageKind.PVH_ELF, c),
                classify(TestImages.compress(c, TestImages.elf(true, 3 << 20, (2 << 20) + 8, "Xen", 18))));
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void garbageBehindAMagicIsUnknown(Compression c) throws IOException {
        byte[] good = TestImages.compress(c, TestImages.pvhElf());
        byte[] bad = Arrays.copyOf(good, 200);
        Arrays.fill(bad, 8, 200, (byte) 0x5A);
        Classification got = classify(bad);
        assertEquals(ImageKind.UNKNOWN, got.kind());
        assertEquals(c, got.compression());
    }

    @Test
    void noteBeyondThePeekLimitLeavesAPlainElf() throws IOException {
        Path f = dir.resolve("big.gz");
        Files.write(f, TestImages.compress(Compression.GZIP, TestImages.elf(true, 3 << 20, 2 << 20, "Xen", 18)));
        try (SeekableByteChannel ch = Files.newByteChannel(f)) {
            assertEquals(ImageKind.ELF, BootFileClassifier.classify(ch, 1 << 20).kind());
        }
    }

    @Test
    void rankingPutsWellKnownNamesFirst() {
        int cloudhv = CandidateRanking.rank("CLOUDHV.fd", ImageKind.PVH_ELF);
        int ovmf = CandidateRanking.rank("OVMF.fd", ImageKind.UEFI_FLASH);
        int vmlinuz = CandidateRanking.rank("vmlinuz-6.1.0-13-amd64", ImageKind.BZIMAGE);
        int other = CandidateRanking.rank("kernel.bin", ImageKind.PVH_ELF);
        assertEquals(true, cloudhv > ovmf && ovmf > vmlinuz && vmlinuz > other, cloudhv + " " + ovmf + " "
                + vmlinuz + " " + other);
        assertNotEquals(CandidateRanking.rank("x", ImageKind.ELF), CandidateRanking.rank("x", ImageKind.PVH_ELF));
    }
}
