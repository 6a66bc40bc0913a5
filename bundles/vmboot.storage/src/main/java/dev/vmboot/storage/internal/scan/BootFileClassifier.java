package dev.vmboot.storage.internal.scan;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.util.function.Predicate;

import dev.vmboot.api.boot.Compression;
import dev.vmboot.api.boot.ImageKind;

/**
 * Decides what a file is from its content: ELF (with or without the Xen PVH note), a UEFI firmware volume, a Linux
 * bzImage, possibly inside gzip, xz, zstd or LZ4; looking into compressed files only as far as needed and never past a
 * bound.
 */
final class BootFileClassifier {
    /** Bytes read first; enough for the bzImage setup header, an FV header and an ELF header with its phdrs. */
    static final int HEAD = 8192;
    /** Linux boot protocol (Documentation/arch/x86/boot.rst): boot_flag 0xAA55 at 0x1FE, header "HdrS" at 0x202. */
    private static final int BOOT_FLAG = 0x1FE;
    private static final int SETUP_HEADER_MAGIC = 0x202;

    /** What a file is and how it is wrapped. */
    record Classification(ImageKind kind, Compression compression) {
    }

    private BootFileClassifier() {
    }

    /**
     * Classifies the file behind {@code channel}.
     *
     * @param peekLimit the most bytes decompressed from a compressed file
     */
    static Classification classify(SeekableByteChannel channel, long peekLimit) throws IOException {
        return classify(channel, peekLimit, CompressionFormat::libraryInstalled);
    }

    /**
     * As {@link #classify(SeekableByteChannel, long)}, with {@code installed} saying which decompressors are there.
     *
     * @throws CompressionFormat.MissingDecompressorException for a compressed file whose decompressor is missing:
     *         it may well be a kernel, and the scan reports it rather than pass over it in silence
     * @throws CompressionFormat.DecompressionLimitException for one that needs more memory than vmboot gives a
     *         decompressor, reported for the same reason
     */
    static Classification classify(SeekableByteChannel channel, long peekLimit, Predicate<Compression> installed)
            throws IOException {
        ChannelContent raw = new ChannelContent(channel);
        byte[] head = raw.read(0, HEAD);
        Compression compression = CompressionFormat.detect(head);
        if (compression == Compression.NONE) {
            return new Classification(kind(head, raw), compression);
        }
        channel.position(0);
        try (InputStream in = CompressionFormat.decompress(compression, Channels.newInputStream(channel), installed)) {
            StreamContent content = new StreamContent(in, peekLimit);
            return new Classification(kind(content.read(0, HEAD), content), compression);
        } catch (CompressionFormat.MissingDecompressorException | CompressionFormat.DecompressionLimitException e) {
            throw e;
        } catch (IOException e) {
            // Not what its magic says: nothing to boot.
            return new Classification(ImageKind.UNKNOWN, compression);
        } catch (LinkageError e) {
            // A class the decompressor needs is not there (an optional import left unwired, such as commons-codec's
            // XXHash32 for LZ4 frames): this file is reported, the rest of the volume is still scanned.
            throw new CompressionFormat.MissingDecompressorException(compression, e);
        }
    }

    /** The kind of an uncompressed image from its first bytes. */
    static ImageKind kind(byte[] head, ContentReader content) throws IOException {
        if (ElfImage.hasMagic(head)) {
            return ElfImage.classify(head, content);
        }
        if (isBzImage(head)) {
            return ImageKind.BZIMAGE;
        }
        if (FirmwareVolumeHeader.parse(head).isPresent()) {
            return ImageKind.UEFI_FLASH;
        }
        return ImageKind.UNKNOWN;
    }

    static boolean isBzImage(byte[] head) {
        return head.length >= SETUP_HEADER_MAGIC + 4 && (head[BOOT_FLAG] & 0xFF) == 0x55
                && (head[BOOT_FLAG + 1] & 0xFF) == 0xAA && head[SETUP_HEADER_MAGIC] == 'H'
                && head[SETUP_HEADER_MAGIC + 1] == 'd' && head[SETUP_HEADER_MAGIC + 2] == 'r'
                && head[SETUP_HEADER_MAGIC + 3] == 'S';
    }
}
