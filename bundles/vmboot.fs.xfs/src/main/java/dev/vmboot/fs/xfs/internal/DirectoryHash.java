package dev.vmboot.fs.xfs.internal;

/**
 * The directory name hash, xfs_da_hashname in xfs_da_btree.c: names fold four bytes at a time, each step rotating
 * the running hash left by 28 bits; the remaining one to three bytes fold in with a rotation of 7 bits per byte.
 */
final class DirectoryHash {
    private DirectoryHash() {
    }

    static int of(byte[] name) {
        int hash = 0;
        int i = 0;
        int left = name.length;
        for (; left >= 4; left -= 4, i += 4) {
            hash = u(name[i]) << 21 ^ u(name[i + 1]) << 14 ^ u(name[i + 2]) << 7 ^ u(name[i + 3])
                    ^ Integer.rotateLeft(hash, 7 * 4);
        }
        switch (left) {
            case 3:
                return u(name[i]) << 14 ^ u(name[i + 1]) << 7 ^ u(name[i + 2]) ^ Integer.rotateLeft(hash, 7 * 3);
            case 2:
                return u(name[i]) << 7 ^ u(name[i + 1]) ^ Integer.rotateLeft(hash, 7 * 2);
            case 1:
                return u(name[i]) ^ Integer.rotateLeft(hash, 7);
            default:
                return hash;
        }
    }

    private static int u(byte b) {
        return b & 0xff;
    }
}
