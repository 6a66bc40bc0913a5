package dev.vmboot.api.boot;

/**
 * Something bootable found by a scan.
 *
 * @param location    where it is: {@code disk.img:2} (disk and partition number)
 * @param path        absolute path inside the filesystem
 * @param kind        what its (decompressed) content is
 * @param compression how the file is compressed
 * @param size        file size in bytes
 * @param rank        ordering hint; higher first (well-known firmware names rank first)
 */
public record BootCandidate(String location, String path, ImageKind kind, Compression compression, long size,
        int rank) {
}
