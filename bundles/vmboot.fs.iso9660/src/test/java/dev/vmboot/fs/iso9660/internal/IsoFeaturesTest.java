package dev.vmboot.fs.iso9660.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.vmboot.api.fs.FileSystem;
import dev.vmboot.api.fs.FileType;
import dev.vmboot.api.fs.FsNode;
import dev.vmboot.api.fs.FsPaths;
import dev.vmboot.api.storage.BlockDevice;
import dev.vmboot.api.storage.FileBlockDevice;
import dev.vmboot.testkit.ExternalTool;
import dev.vmboot.testkit.ReferenceTree;

/** zisofs compression, hybrid images with an MBR partition and El Torito, hidden files. */
class IsoFeaturesTest {
    @TempDir
    static Path work;
    static Path tree;

    @BeforeAll
    static void buildTree() throws IOException {
        tree = work.resolve("tree");
        ReferenceTree.in(tree, 31)
                .assortedFiles("random")
                .symlinks("links")
                .deepPath("deep", 3)
                .file("boot/boot.img", 2048);
        Files.createDirectories(tree.resolve("text"));
        String line = "a compressible line of text for zisofs, repeated over and over\n";
        for (int size : new int[] {1, 32767, 32768, 32769, 100_000, 1_000_000}) {
            Files.writeString(tree.resolve("text/text-" + size + ".txt"),
                    line.repeat(size / line.length() + 1).substring(0, size), StandardCharsets.US_ASCII);
        }
        byte[] holes = new byte[300_000];
        holes[100_000] = 1;
        Files.write(tree.resolve("text/mostly-zeros.bin"), holes);
    }

    @Test
    void zisofsFilesInflateToTheHostFiles() throws IOException {
        Path image = work.resolve("zisofs.iso");
        ExternalTool.run("xorriso", "-outdev", image.toString(), "-map", tree.toString(), "/", "-set_filter_r",
                "--zisofs", "/", "--", "-commit");
        try (FileBlockDevice dev = FileBlockDevice.open(image); IsoFileSystem fs = IsoFileSystem.open(dev)) {
            IsoImageTest.assertSameTree(tree, fs, false);
            List<String> compressed = new ArrayList<>();
            collectCompressed(fs, fs.root(), "", compressed);
            assertTrue(compressed.containsAll(List.of("/text/text-1000000.txt", "/text/text-32769.txt",
                    "/text/mostly-zeros.bin")), compressed::toString);
            IsoNode big = (IsoNode) FsPaths.resolve(fs, "/text/text-1000000.txt");
            assertTrue(big.extents().size() < big.size() / 10, "compressed to " + big.extents().size());
        }
    }

    private static void collectCompressed(FileSystem fs, FsNode dir, String prefix, List<String> out)
            throws IOException {
        for (FsNode n : fs.list(dir)) {
            if (n.type() == FileType.DIRECTORY) {
                collectCompressed(fs, n, prefix + "/" + n.name(), out);
            } else if (((IsoNode) n).zisofs() != null) {
                out.add(prefix + "/" + n.name());
            }
        }
    }

    /**
     * xorriso's {@code -partition_offset 16} makes an MBR whose first partition starts at 32 KiB and holds a second
     * descriptor set with block addresses relative to the partition (and no boot record): the volume reads the same
     * from the whole disk and from the partition.
     */
    @Test
    void hybridImageReadsFromTheWholeDiskAndFromItsPartition() throws IOException {
        Path image = IsoImages.xorriso(work.resolve("hybrid.iso"), tree, "-R", "-J", "-V", "HYBRID", "-b",
                "boot/boot.img", "-no-emul-boot", "-boot-load-size", "4", "-partition_offset", "16");
        Matcher catalog = Pattern.compile("boot catalog is in sector (\\d+)")
                .matcher(ExternalTool.run("isoinfo", "-d", "-i", image.toString()));
        assertTrue(catalog.find());
        try (FileBlockDevice disk = FileBlockDevice.open(image)) {
            byte[] mbr = disk.readBytes(0, 512);
            assertEquals(0x55, mbr[510] & 0xff);
            long start = (IsoNumbers.u32le(mbr, 446 + 8)) * 512;
            long length = (IsoNumbers.u32le(mbr, 446 + 12)) * 512;
            assertEquals(16 * 2048, start);
            BlockDevice partition = disk.slice("hybrid.iso:1", start, length);
            assertTrue(new IsoReader().probe(disk));
            assertTrue(new IsoReader().probe(partition));
            try (IsoFileSystem whole = IsoFileSystem.open(disk); IsoFileSystem part = IsoFileSystem.open(partition)) {
                IsoImageTest.assertSameTree(tree, whole, false, "/boot.catalog");
                IsoImageTest.assertSameTree(tree, part, false, "/boot.catalog");
                assertEquals("HYBRID", whole.label());
                assertEquals(whole.uuid(), part.uuid());
                long block = whole.volume().descriptors().bootCatalogBlock();
                assertEquals(Long.parseLong(catalog.group(1)), block);
                assertEquals(-1, part.volume().descriptors().bootCatalogBlock(), "El Torito is for the whole medium");
                IsoNode file = (IsoNode) FsPaths.resolve(whole, "/boot.catalog");
                assertEquals(block * 2048, file.extents().firstByte(), "xorriso shows the catalog as a file");
            }
        }
    }

    /** ECMA-119 9.1.6 bit 0 ("existence", genisoimage -hidden) hides nothing from Linux, nor from this reader. */
    @Test
    void hiddenFilesAreListed() throws IOException {
        Path plain = work.resolve("plain");
        ReferenceTree.in(plain, 32).file("SHOWN.TXT", 10).file("SECRET.TXT", 20);
        Path image = IsoImages.genisoimage(work.resolve("hidden.iso"), plain, "-hidden", "SECRET.TXT");
        try (FileBlockDevice dev = FileBlockDevice.open(image); IsoFileSystem fs = IsoFileSystem.open(dev)) {
            IsoNode secret = (IsoNode) FsPaths.resolve(fs, "/SECRET.TXT");
            byte[] record = dev.readBytes(secret.recordOffset(), 34);
            assertEquals(DirectoryRecord.FLAG_HIDDEN, record[25] & DirectoryRecord.FLAG_HIDDEN);
            assertEquals(20, secret.size());
            IsoImageTest.assertSameTree(plain, fs, true);
        }
    }
}
