package dev.vmboot.fs.ext4.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import dev.vmboot.testkit.ReferenceTree;

/**
 * Makes the committed seeds of {@link Ext4FuzzTest} (run by hand: {@code java ... Ext4FuzzSeeds <outdir>}): tiny
 * one-group images with 1 KiB blocks, 32 inodes and no journal, cut after their last used block, with
 * {@code s_blocks_count} shrunk to match (and the superblock checksum recomputed).
 */
final class Ext4FuzzSeeds {
    private Ext4FuzzSeeds() {
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        Files.createDirectories(out);
        Path work = Files.createTempDirectory("ext4-seeds");
        Path tree = work.resolve("tree");
        ReferenceTree.in(tree, 1)
                .file("a.txt", 3000)
                .file("dir/b.bin", 13_000)
                .file("dir/c", 40)
                .file("lost+found/.keep", 0);
        Files.delete(tree.resolve("lost+found/.keep"));
        Files.createSymbolicLink(tree.resolve("short"), Path.of("a.txt"));
        Files.createSymbolicLink(tree.resolve("long"), Path.of("dir/" + "x".repeat(70) + "/../b.bin"));
        seed(work, tree, out.resolve("ext4-csum.img"), "-t", "ext4", "-O", "metadata_csum,^resize_inode,^has_journal");
        seed(work, tree, out.resolve("ext2.img"), "-t", "ext2", "-O", "^resize_inode");
        seed(work, tree, out.resolve("ext4-inline.img"), "-t", "ext4", "-O",
                "inline_data,metadata_csum,^resize_inode,^has_journal");
    }

    private static void seed(Path work, Path tree, Path target, String... options) throws IOException {
        Path image = work.resolve("seed.img");
        Files.deleteIfExists(image);
        String[] all = Arrays.copyOf(options, options.length + 6);
        System.arraycopy(new String[] {"-b", "1024", "-N", "32", "-I", "256"}, 0, all, options.length, 6);
        Ext4Images.mkfs(image, 96 << 10, tree, all);
        byte[] data = Files.readAllBytes(image);
        int used = data.length / 1024;
        // The inode table must stay whole even where its tail is still zeros.
        long tableEnd = LittleEndian.u32(data, 2 * 1024 + 0x8) + 32 * 256 / 1024;
        while (used > tableEnd && isZero(data, (used - 1) * 1024)) {
            used--;
        }
        byte[] cut = Arrays.copyOf(data, used * 1024);
        LittleEndian.put32(cut, 1024 + 0x4, used);
        if ((LittleEndian.s32(cut, 1024 + 0x64) & Ext4Superblock.RO_COMPAT_METADATA_CSUM) != 0) {
            LittleEndian.put32(cut, 1024 + Ext4Superblock.CHECKSUM_OFFSET,
                    Crc32c.of(0xFFFF_FFFF, cut, 1024, Ext4Superblock.CHECKSUM_OFFSET));
        }
        Files.write(target, cut);
    }

    private static boolean isZero(byte[] data, int off) {
        for (int i = off; i < off + 1024; i++) {
            if (data[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
