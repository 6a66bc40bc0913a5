package dev.vmboot.fs.xfs.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Makes the committed seeds of {@link XfsFuzzTest} (run by hand: {@code java ... XfsFuzzSeeds <tree> <outdir>}): a
 * one-AG image with an external log, so that the root inode and all metadata sit in the first few dozen blocks,
 * cut after its last used block, with sb_dblocks shrunk to match (and the superblock CRC recomputed on v5).
 */
final class XfsFuzzSeeds {
    private XfsFuzzSeeds() {
    }

    public static void main(String[] args) throws IOException {
        Path tree = Path.of(args[0]);
        Path out = Path.of(args[1]);
        Files.createDirectories(out);
        Path work = Files.createTempDirectory("xfs-seeds");
        Path proto = XfsImages.protofile(tree, work.resolve("proto"));
        seed(work, proto, out.resolve("v4-512.img"), 512, "-m", "crc=0", "-b", "size=512");
        seed(work, proto, out.resolve("v5-1k.img"), 1024, "-b", "size=1024");
    }

    private static void seed(Path work, Path proto, Path target, int blockSize, String... options)
            throws IOException {
        Path log = work.resolve("log");
        Files.deleteIfExists(log);
        try (var f = new java.io.RandomAccessFile(log.toFile(), "rw")) {
            f.setLength(16 << 20);
        }
        String[] all = new String[options.length + 6];
        System.arraycopy(options, 0, all, 0, options.length);
        System.arraycopy(new String[] {"-d", "agcount=1", "-l", "logdev=" + log, "-p", proto.toString()}, 0, all,
                options.length, 6);
        byte[] image = Files.readAllBytes(XfsImages.mkfs(work.resolve("image"), 32 << 20, all));
        int used = 0;
        for (int b = 0; b < image.length / blockSize; b++) {
            for (int i = b * blockSize; i < (b + 1) * blockSize; i++) {
                if (image[i] != 0) {
                    used = b + 1;
                    break;
                }
            }
        }
        byte[] cut = Arrays.copyOf(image, used * blockSize);
        XfsCorruptionTest.putLong(cut, 8, used);
        if ((cut[101] & 0xf) == 5) {
            XfsCorruptionTest.fixCrc(cut, 0, 512, XfsSuperblock.CRC_OFFSET);
        }
        Files.write(target, cut);
    }
}
