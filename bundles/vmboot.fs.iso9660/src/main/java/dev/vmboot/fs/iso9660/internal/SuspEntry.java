package dev.vmboot.fs.iso9660.internal;

/**
 * One System Use Sharing Protocol entry (IEEE P1281 SUSP 1.12, 4.1): a two-letter signature, a length, a version and
 * data.
 *
 * @param signature the two signature letters
 * @param version   the entry's version byte
 * @param bytes     the whole entry, header included ({@code bytes[4]} is the first data byte)
 * @param offset    device byte offset of the entry
 */
record SuspEntry(String signature, int version, byte[] bytes, long offset) {

    /** SUSP 4.1: signature (2), length (1), version (1). */
    static final int HEADER = 4;

    int length() {
        return bytes.length;
    }
}
