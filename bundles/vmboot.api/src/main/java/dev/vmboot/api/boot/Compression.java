package dev.vmboot.api.boot;

/** Compression wrapped around a boot image file. */
public enum Compression {
    NONE, GZIP, XZ, ZSTD, LZ4
}
