package dev.vmboot.fs.ext4.internal;

/**
 * The htree name hashes (Documentation/filesystems/ext4/directory.rst "Hash Tree Directories", fs/ext4/hash.c):
 * legacy, half-MD4 and TEA, each with names read as signed or unsigned chars. Only the major hash is needed to find
 * a leaf; the low bit is cleared because the index uses it to mark hash collisions continuing in the next leaf.
 */
final class DirectoryHash {
    // dx_root_info.hash_version
    static final int LEGACY = 0;
    static final int HALF_MD4 = 1;
    static final int TEA = 2;
    static final int LEGACY_UNSIGNED = 3;
    static final int HALF_MD4_UNSIGNED = 4;
    static final int TEA_UNSIGNED = 5;
    /** The MD4 initial state, used when the superblock's {@code s_hash_seed} is all zeros. */
    private static final int[] DEFAULT_SEED = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476};
    /** {@code EXT4_HTREE_EOF_32BIT}: a hash may not equal the end-of-directory marker. */
    private static final int EOF_32BIT = 0x7FFFFFFF;

    private DirectoryHash() {
    }

    /** Whether {@code version} is one this class computes. */
    static boolean known(int version) {
        return version >= LEGACY && version <= TEA_UNSIGNED;
    }

    /** The major hash of {@code name} under {@code version} with the superblock's seed. */
    static int hash(byte[] name, int version, int[] seed) {
        int[] buf = DEFAULT_SEED.clone();
        if (seed[0] != 0 || seed[1] != 0 || seed[2] != 0 || seed[3] != 0) {
            System.arraycopy(seed, 0, buf, 0, 4);
        }
        boolean unsigned = version >= LEGACY_UNSIGNED;
        int hash;
        switch (version) {
            case LEGACY, LEGACY_UNSIGNED -> hash = legacy(name, unsigned);
            case HALF_MD4, HALF_MD4_UNSIGNED -> {
                int[] in = new int[8];
                for (int p = 0; p < name.length; p += 32) {
                    words(name, p, in, unsigned);
                    halfMd4(buf, in);
                }
                hash = buf[1];
            }
            case TEA, TEA_UNSIGNED -> {
                int[] in = new int[4];
                for (int p = 0; p < name.length; p += 16) {
                    words(name, p, in, unsigned);
                    tea(buf, in);
                }
                hash = buf[0];
            }
            default -> throw new IllegalArgumentException("hash version " + version);
        }
        hash &= ~1;
        if (hash == EOF_32BIT << 1) {
            hash = (EOF_32BIT - 1) << 1;
        }
        return hash;
    }

    /** dx_hack_hash: the ext3 original. */
    private static int legacy(byte[] name, boolean unsigned) {
        int hash0 = 0x12a3fe2d;
        int hash1 = 0x37abe8f9;
        for (byte c : name) {
            int ch = unsigned ? c & 0xFF : c;
            int hash = hash1 + (hash0 ^ (ch * 7152373));
            if ((hash & 0x80000000) != 0) {
                hash -= 0x7fffffff;
            }
            hash1 = hash0;
            hash0 = hash;
        }
        return hash0 << 1;
    }

    /**
     * str2hashbuf: packs up to {@code 4 * in.length} chars from {@code from}, big-end first within each word, padding
     * with a word made of the remaining length.
     */
    private static void words(byte[] name, int from, int[] in, boolean unsigned) {
        int len = name.length - from;
        int pad = len | (len << 8);
        pad |= pad << 16;
        int val = pad;
        int n = Math.min(len, in.length * 4);
        int w = 0;
        for (int i = 0; i < n; i++) {
            if (i % 4 == 0) {
                val = pad;
            }
            int ch = unsigned ? name[from + i] & 0xFF : name[from + i];
            val = ch + (val << 8);
            if (i % 4 == 3) {
                in[w++] = val;
                val = pad;
            }
        }
        if (w < in.length) {
            in[w++] = val;
        }
        while (w < in.length) {
            in[w++] = pad;
        }
    }

    private static void halfMd4(int[] buf, int[] in) {
        int a = buf[0];
        int b = buf[1];
        int c = buf[2];
        int d = buf[3];
        final int k2 = 013240474631;
        final int k3 = 015666365641;
        a = rotl(a + f(b, c, d) + in[0], 3);
        d = rotl(d + f(a, b, c) + in[1], 7);
        c = rotl(c + f(d, a, b) + in[2], 11);
        b = rotl(b + f(c, d, a) + in[3], 19);
        a = rotl(a + f(b, c, d) + in[4], 3);
        d = rotl(d + f(a, b, c) + in[5], 7);
        c = rotl(c + f(d, a, b) + in[6], 11);
        b = rotl(b + f(c, d, a) + in[7], 19);

        a = rotl(a + g(b, c, d) + in[1] + k2, 3);
        d = rotl(d + g(a, b, c) + in[3] + k2, 5);
        c = rotl(c + g(d, a, b) + in[5] + k2, 9);
        b = rotl(b + g(c, d, a) + in[7] + k2, 13);
        a = rotl(a + g(b, c, d) + in[0] + k2, 3);
        d = rotl(d + g(a, b, c) + in[2] + k2, 5);
        c = rotl(c + g(d, a, b) + in[4] + k2, 9);
        b = rotl(b + g(c, d, a) + in[6] + k2, 13);

        a = rotl(a + h(b, c, d) + in[3] + k3, 3);
        d = rotl(d + h(a, b, c) + in[7] + k3, 9);
        c = rotl(c + h(d, a, b) + in[2] + k3, 11);
        b = rotl(b + h(c, d, a) + in[6] + k3, 15);
        a = rotl(a + h(b, c, d) + in[1] + k3, 3);
        d = rotl(d + h(a, b, c) + in[5] + k3, 9);
        c = rotl(c + h(d, a, b) + in[0] + k3, 11);
        b = rotl(b + h(c, d, a) + in[4] + k3, 15);

        buf[0] += a;
        buf[1] += b;
        buf[2] += c;
        buf[3] += d;
    }

    private static int f(int x, int y, int z) {
        return z ^ (x & (y ^ z));
    }

    private static int g(int x, int y, int z) {
        return (x & y) + ((x ^ y) & z);
    }

    private static int h(int x, int y, int z) {
        return x ^ y ^ z;
    }

    private static int rotl(int v, int s) {
        return Integer.rotateLeft(v, s);
    }

    private static void tea(int[] buf, int[] in) {
        int sum = 0;
        int b0 = buf[0];
        int b1 = buf[1];
        int a = in[0];
        int b = in[1];
        int c = in[2];
        int d = in[3];
        for (int n = 0; n < 16; n++) {
            sum += 0x9E3779B9;
            b0 += ((b1 << 4) + a) ^ (b1 + sum) ^ ((b1 >>> 5) + b);
            b1 += ((b0 << 4) + c) ^ (b0 + sum) ^ ((b0 >>> 5) + d);
        }
        buf[0] += b0;
        buf[1] += b1;
    }
}
