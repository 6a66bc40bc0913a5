package dev.vmboot.fs.iso9660.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import dev.vmboot.testkit.ExternalTool;
import dev.vmboot.testkit.ReferenceTree;

/**
 * Makes the committed seeds of {@link IsoFuzzTest} (run by hand: {@code java ... IsoFuzzSeeds <outdir>}) from a small
 * tree with a relocated deep directory, symlinks (one long enough for a continuation area) and a zisofs file:
 * Rock Ridge + Joliet (xorriso), Joliet only (xorriso) and plain level 1 (genisoimage). Trailing zero sectors are
 * cut and the volume space sizes shrunk to match.
 */
final class IsoFuzzSeeds {
    private IsoFuzzSeeds() {
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        Files.createDirectories(out);
        Path work = Files.createTempDirectory("iso-seeds");
        Path tree = work.resolve("tree");
        ReferenceTree.in(tree, 7).file("a.txt", 100).file("d/b.bin", 3000).deepPath("deep", 8).symlinks("links");
        Files.writeString(tree.resolve("z.txt"), "zisofs compresses this line\n".repeat(2500),
                StandardCharsets.US_ASCII);
        Path rr = work.resolve("rock-ridge.iso");
        ExternalTool.run("xorriso", "-outdev", rr.toString(), "-compliance", "deep_paths_off", "-rr_reloc_dir",
                "RR_MOVED", "-joliet", "on", "-map", tree.toString(), "/", "-set_filter", "--zisofs", "/z.txt", "--",
                "-padding", "0", "-commit");
        cut(rr, out.resolve("rock-ridge.iso"));
        cut(IsoImages.xorriso(work.resolve("joliet.iso"), tree, "--norock", "-J", "-no-pad"),
                out.resolve("joliet.iso"));
        cut(IsoImages.genisoimage(work.resolve("plain.iso"), tree), out.resolve("plain.iso"));
    }

    private static void cut(Path image, Path target) throws IOException {
        byte[] data = Files.readAllBytes(image);
        int used = 0;
        for (int s = 0; s < data.length / 2048; s++) {
            for (int i = s * 2048; i < (s + 1) * 2048; i++) {
                if (data[i] != 0) {
                    used = s + 1;
                    break;
                }
            }
        }
        byte[] cut = Arrays.copyOf(data, used * 2048);
        for (int s = VolumeDescriptorSet.FIRST_SECTOR; s < used; s++) {
            int type = cut[s * 2048] & 0xff;
            if (type == 255) {
                break;
            }
            if (type == 1 || type == 2) {
                IsoCorruptionTest.putBoth32(cut, s * 2048 + 80, used);
            }
        }
        Files.write(target, cut);
    }
}
