package dev.vmboot.payload;

/**
 * What one part of the payload weighs.
 *
 * @param part   what it is ("jre", "libs", "bundles"...)
 * @param files  how many files it holds
 * @param raw    its bytes as files
 * @param packed what it adds to the payload: its share of the xz stream (the kernel: its own size)
 */
public record PartSize(String part, int files, long raw, long packed) {
}
