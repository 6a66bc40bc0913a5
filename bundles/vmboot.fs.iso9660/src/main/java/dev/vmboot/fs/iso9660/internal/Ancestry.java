package dev.vmboot.fs.iso9660.internal;

/**
 * The directories from the root down to a node's parent, each by the device offset of its data: a directory record
 * that leads back into this chain makes a loop.
 *
 * @param directory device byte offset of this directory's data
 * @param depth     1 for the root
 * @param parent    the chain above, null for the root
 */
record Ancestry(long directory, int depth, Ancestry parent) {

    static Ancestry below(Ancestry parent, long directory) {
        return new Ancestry(directory, parent == null ? 1 : parent.depth + 1, parent);
    }

    boolean contains(long dataOffset) {
        for (Ancestry a = this; a != null; a = a.parent) {
            if (a.directory == dataOffset) {
                return true;
            }
        }
        return false;
    }
}
