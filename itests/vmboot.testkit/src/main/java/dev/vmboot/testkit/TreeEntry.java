package dev.vmboot.testkit;

/**
 * One entry of a file tree as a test compares it.
 *
 * @param path   absolute path inside the tree, {@code /} separated
 * @param type   'd' directory, 'f' regular file, 'l' symlink
 * @param size   file size in bytes (0 for directories)
 * @param digest sha256 of a file's bytes (hex), the target of a symlink, empty for a directory
 */
public record TreeEntry(String path, char type, long size, String digest) {
    @Override
    public String toString() {
        return type + " " + path + " " + (type == 'd' ? "" : size + " " + digest);
    }
}
