package dev.vmboot.fs.fat.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import dev.vmboot.testkit.ReferenceTree;

/**
 * Makes the committed seeds of {@link FatFuzzTest} (run by hand: {@code java ... FatFuzzSeeds <outdir>}): a FAT12
 * and a FAT16 volume (one FAT, 16 root entries, 512-byte clusters) holding a subdirectory two deep, a long name, a
 * Greek long name and a file of several clusters, cut after the last non-zero sector: mtools allocates from the
 * start, so everything the tree uses survives the cut and the fuzzer's inputs stay a few KiB. {@link FatFuzzTest}
 * puts the zeros back: it reads each input as the start of a larger sparse device.
 */
final class FatFuzzSeeds {
    private FatFuzzSeeds() {
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        Files.createDirectories(out);
        Path work = Files.createTempDirectory("fat-seeds");
        Path tree = ReferenceTree.in(work.resolve("tree"), 5)
                .file("Sub/Deeper/file.txt", 40)
                .file("Sub/Long File Name.bin", 3000)
                .file("short.txt", 3)
                .file("Ελληνικά.txt", 5)
                .root();
        seed(work, tree, out.resolve("fat12.img"), 12, 48L << 10);
        seed(work, tree, out.resolve("fat16.img"), 16, 2200L << 10);
    }

    private static void seed(Path work, Path tree, Path target, int bits, long size) throws IOException {
        Path img = FatImages.build(work.resolve("fat" + bits + ".img"), bits, size, tree, "-r", "16", "-s", "1",
                "-f", "1", "-n", "SEED" + bits, "-i", "5EED0" + bits);
        byte[] data = Files.readAllBytes(img);
        int end = data.length;
        while (end > 512 && isZero(data, end - 512, end)) {
            end -= 512;
        }
        Files.write(target, Arrays.copyOf(data, end));
    }

    private static boolean isZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
