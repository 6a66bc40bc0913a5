package dev.vmboot.fs.iso9660.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.vmboot.api.fs.FsPaths;
import dev.vmboot.api.storage.FileBlockDevice;
import dev.vmboot.testkit.ReferenceTree;
import dev.vmboot.testkit.TreeManifest;

/**
 * A file over 4 GiB: ISO level 3 records it as a multi-extent file (ECMA-119 6.5.1, one directory record per
 * section of at most 4 GiB - 2 KiB). The sparse source file and the image (written sparse) cost no disk space; the
 * image still takes xorriso some seconds to write, as it reads every byte.
 */
class IsoMultiExtentTest {
    /** Past 4 GiB by a few MiB and an odd byte count, so the last section ends inside a block. */
    static final long SIZE = (4L << 30) + (3 << 20) + 7;
    static final int WINDOW = 256 * 1024;

    @TempDir
    static Path work;
    static Path tree;
    static Path image;

    @BeforeAll
    static void build() throws IOException {
        tree = work.resolve("tree");
        ReferenceTree.in(tree, 21).sparseFile("huge.bin", SIZE).file("small.txt", 100);
        image = IsoImages.xorrisoSparse(work.resolve("multi.iso"), tree, work.resolve("xorriso.log"), "-iso-level",
                "3", "-J", "-V", "MULTI");
    }

    @Test
    void hugeFileReadsBackAcrossItsSections() throws IOException {
        try (FileBlockDevice dev = FileBlockDevice.open(image); IsoFileSystem fs = IsoFileSystem.open(dev)) {
            assertEquals(Namespace.ROCK_RIDGE, fs.volume().namespace());
            IsoNode huge = (IsoNode) FsPaths.resolve(fs, "/huge.bin");
            assertEquals(SIZE, huge.size());
            assertEquals(2, huge.extents().sections().size(), "sections: " + huge.extents().sections());
            assertEquals(TreeManifest.sha256(Files.newInputStream(tree.resolve("small.txt"))),
                    TreeManifest.sha256(fs, FsPaths.resolve(fs, "/small.txt")));
            long boundary = huge.extents().sections().get(0).length();
            assertEquals(0xFFFFF800L, boundary, "libisofs cuts sections at 4 GiB - 2 KiB");
            // Reading all 4 GiB twice takes longer than the rest of the module's tests together; the data lies at
            // section offsets, so windows over the data islands, both sides of the section boundary, the end and
            // seeded random places check the same mapping.
            List<Long> windows = new ArrayList<>(List.of(0L, SIZE / 2 - 12345 - WINDOW / 2, boundary - WINDOW / 2,
                    boundary, SIZE - WINDOW));
            Random random = new Random(5);
            for (int i = 0; i < 48; i++) {
                windows.add((long) (random.nextDouble() * (SIZE - WINDOW)));
            }
            try (SeekableByteChannel ours = fs.open(huge); FileChannel host = FileChannel.open(tree.resolve(
                    "huge.bin"))) {
                for (long at : windows) {
                    ByteBuffer expected = ByteBuffer.allocate(WINDOW);
                    host.read(expected, at);
                    ByteBuffer actual = ByteBuffer.allocate(WINDOW);
                    ours.position(at);
                    fill(ours, actual);
                    assertEquals(expected.flip(), actual.flip(), "window at byte " + at);
                }
                ours.position(SIZE - 3);
                assertEquals(3, fill(ours, ByteBuffer.allocate(100)));
                assertEquals(-1, ours.read(ByteBuffer.allocate(1)));
                ByteBuffer island = ByteBuffer.allocate(4096);
                ours.position(SIZE / 2 - 12345);
                fill(ours, island);
                assertTrue(island.flip().mismatch(ByteBuffer.allocate(4096)) >= 0, "the middle island is not zeros");
            }
        }
    }

    private static int fill(SeekableByteChannel ch, ByteBuffer buf) throws IOException {
        int total = 0;
        while (buf.hasRemaining()) {
            int n = ch.read(buf);
            if (n < 0) {
                return total == 0 ? -1 : total;
            }
            total += n;
        }
        return total;
    }
}
